# SPDX-License-Identifier: MIT
"""e2e: prestarting - with every -j lane busy, the next test's process is
made ahead and waits at its gate (engine/README.md, "Prestarting").

In each isolation mode, at -j 1, with tests that log when their process
was made and when they ran (tests/objects/prestart.c):
1. the next test's process is made ahead: it existed >= 100 ms before its
   test ran (each test runs 200 ms); with PYNTEST_PRESTART=0 it is not;
2. nothing of a test runs before its start: the logged runs never
   overlap, and (spawn, fork) the library's constructor runs in a test's
   process only after the test before it ended;
3. the wall-time limit counts from the start, not from the making: five
   200 ms tests under a 350 ms limit (its 150 ms of slack scaled) all
   pass, each reported under it and, when made ahead, reported less
   than the time since its making;
   a library's first test in forkserver mode is not made ahead (its fork
   server would load the library early), nor any test when the process
   tree is tracked by the subreaper provider;
4. -x: the test made ahead of a failure never runs (no log line, no
   constructor) and is reported as not started; no process is left;
5. Ctrl-C: the same for the test made ahead of the interrupted one;
6. the test made ahead starts by itself when the running one's processes
   are gone, before its result is read: never before a process the last
   test left behind was killed (the next test finds it dead), and not
   when the last result decides what runs next: with --retries a rerun
   never runs beside the next test;
   in forkserver mode at -j 1 it needs not even the runner: it watches
   the running test's end itself, and starts while the runner is stopped
   (SIGSTOP from the test before it; the e2e test resumes the runner);
7. a fork server binds every call of its library at load, once (a test's
   process then binds nothing), or lazily when it cannot (a call of a
   function defined nowhere, from code no test runs: the tests still
   pass); spawn mode binds lazily (tests/objects/binding.c).
"""
import os
import signal
import subprocess
import time

from pyn_e2e import (PYNTEST, check, done, env, log, processes_with_lib,
                     read_report, run, scaled, show, wait_gone, workdir)

tmp = workdir()
LIB = "libpyn_fx_prestart"
MODES = ("forkserver", "spawn", "fork")


def manifest(name, tests, wall=None):
    """A manifest of TESTS under WALL; by default 350 ms scaled: a net,
    where the limit is not what is checked (3 checks it: 350ms)."""
    if wall is None:
        wall = "%dms" % round(scaled(0.35) * 1000)
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write("version: 1\nsuites:\n  - name: ps\n    library: %s\n"
                "    wall_time: %s\n    tests:\n" % (LIB, wall))
        for t in tests:
            f.write("      - {name: %s, function: ps_%s}\n" % (t, t))
    return path


def read_log(path):
    """({pid: ctor time}, [run dicts] ordered by begin)."""
    ctors, runs = {}, []
    if not os.path.exists(path):
        return ctors, runs
    with open(path) as f:
        for line in f:
            w = line.split()
            if w[:1] == ["ctor"]:
                ctors[int(w[1])] = float(w[2])
            elif w[:1] == ["binding"]:
                ctors.setdefault("binding", []).append(w[1])
            elif w[:1] == ["ifunc"]:
                ctors.setdefault("ifunc", []).append(w[1])
            elif w[:1] == ["after"]:
                ctors.setdefault("after", []).append(w[2])
            elif w[:1] == ["runner"]:
                ctors.setdefault("runner", []).append(w[2])
            elif w[:1] == ["run"]:
                runs.append({"name": w[1], "pid": int(w[2]),
                             "made": float(w[3]), "begin": float(w[4]),
                             "end": float(w[5])})
    runs.sort(key=lambda r: r["begin"])
    return ctors, runs


def made_early(runs):
    """The runs whose process was made before the test before it ended:
    made ahead (a process's start time has a clock tick's resolution).
    By order, not by a time: no load changes it."""
    return [(b["name"], round(b["made"] - a["end"], 3))
            for a, b in zip(runs, runs[1:]) if b["made"] < a["end"] - 0.011]


def fresh(tag):
    """A log path and a duration cache of its own (manifest order).  The
    log's path goes through the runner's environment: a suite's `env:` is
    set after the library is loaded, too late for its constructor."""
    d = os.path.join(tmp, tag)
    os.makedirs(d)
    path = os.path.join(d, "log")
    return path, {"PYNTEST_CACHE_DIR": d, "PS_LOG": path}


NAPS = ["nap1", "nap2", "nap3", "nap4", "nap5"]

# ---- 1-3. made ahead, never run ahead, deadline from the start --------
# 200 ms naps under 350 ms: 150 ms of slack, scaled (a sanitized build,
# a loaded machine); a test made >= 100 ms ahead would be killed by a
# limit counted from its making, and its reported time, counted from its
# start, is less than the time since its making.

LIMIT = round(200 + scaled(0.15) * 1000) / 1000.0

for mode in MODES:
    for prestart in ("1", "0"):
        tag = "%s/prestart=%s" % (mode, prestart)
        log_path, extra = fresh("naps-%s-%s" % (mode, prestart))
        extra["PYNTEST_PRESTART"] = prestart
        rep = os.path.join(tmp, "naps-%s-%s.xml" % (mode, prestart))
        r = run([manifest("naps-%s-%s" % (mode, prestart), NAPS,
                          "%dms" % round(LIMIT * 1000)),
                 "-j", "1", "--isolation", mode], report=rep,
                extra_env=extra)
        if not check(r.code == 0, "%s: all pass under %.3f s (exit %d)"
                     % (tag, LIMIT, r.code)):
            show(r)
        ctors, runs = read_log(log_path)
        if not check(len(runs) == 5, "%s: five runs logged (%d)"
                     % (tag, len(runs))):
            continue
        _, cases = read_report(rep)
        logged = {x["name"]: x for x in runs}
        for c in cases.values():
            check(c.outcome == "pass" and c.time < LIMIT,
                  "%s: %s passed in %.3f s (< %.3f: timed from its start)"
                  % (tag, c.name, c.time, LIMIT))
            x = logged.get(c.name)
            if prestart == "1" and x and x["begin"] - x["made"] >= 0.1:
                check(c.time < x["end"] - x["made"],
                      "%s: %s timed from its start, not its making "
                      "(%.3f s < %.3f s since made)"
                      % (tag, c.name, c.time, x["end"] - x["made"]))
        overlap = [(a["name"], b["name"]) for a, b in zip(runs, runs[1:])
                   if b["begin"] < a["end"]]
        check(not overlap, "%s: no test ran while another ran (%s)"
              % (tag, overlap))
        ahead = [round(x["begin"] - x["made"], 3) for x in runs[1:]]
        if prestart == "1":
            # forkserver: not the second, asked for while the server
            # was still loading the library with the first (3b).
            first = 1 if mode == "forkserver" else 0
            check(all(a >= 0.1 for a in ahead[first:]),
                  "%s: tests %d-5 were made >= 100 ms before they ran (%s)"
                  % (tag, first + 2, ahead))
        else:
            check(not made_early(runs), "%s: no test made ahead: each made "
                  "after the one before it ended (made - end: %s)"
                  % (tag, made_early(runs)))
        if mode == "forkserver":
            check(len(ctors) == 1, "%s: the library loaded once (%d)"
                  % (tag, len(ctors)))
            continue
        # spawn, fork: each test's process loads the library itself.
        late = []
        for a, b in zip(runs, runs[1:]):
            t = ctors.get(b["pid"])
            if t is None or t < a["end"]:
                late.append(b["name"])
        check(not late, "%s: a test's library loaded only after the test "
              "before it ended (not so: %s)" % (tag, late))

# ---- 3b. a library's first test is not made ahead in forkserver mode ---
# Its fork server would load the library (constructors) while others run.

import shutil
from pyn_e2e import FIXTURES

second = os.path.join(tmp, "libpyn_fx_prestart_copy.so")
shutil.copy(os.path.join(FIXTURES, LIB + ".so"), second)
log_path, extra = fresh("two-libs")
path = os.path.join(tmp, "two-libs.yaml")
with open(path, "w") as f:
    f.write("version: 1\nsuites:\n"
            "  - name: one\n    library: %s\n    tests: [{name: nap1, function: ps_nap1}]\n"
            "  - name: two\n    library: %s\n    tests: [{name: nap2, function: ps_nap2}]\n"
            % (LIB, second))
r = run([path, "-j", "1", "--isolation", "forkserver"], extra_env=extra)
check(r.code == 0, "two libraries: exit 0 (%d)" % r.code)
ctors, runs = read_log(log_path)
if check(len(runs) == 2 and len(ctors) == 2,
         "two libraries: two runs, two loads (%d, %d)" % (len(runs), len(ctors))):
    first_end = runs[0]["end"]
    later = sorted(ctors.values())[1]
    check(later >= first_end,
          "two libraries: the second library loaded after the first test "
          "ended (%.3f >= %.3f)" % (later, first_end))

# ---- 3c. not with the subreaper tree provider --------------------------
# It tells a test's orphans from the runner's children it did not have at
# the test's start: a process made ahead would be taken for one.

log_path, extra = fresh("subreaper")
r = run([manifest("subreaper", NAPS), "-j", "1", "--provider",
         "process_tree=subreaper"], extra_env=extra)
check(r.code == 0, "subreaper: all pass (exit %d)" % r.code)
ctors, runs = read_log(log_path)
check(len(runs) == 5 and not made_early(runs),
      "subreaper: no test made ahead: each made after the one before it "
      "ended (%d runs; made - end: %s)" % (len(runs), made_early(runs)))

# ---- 4. -x: the test made ahead of a failure never runs ----------------

for mode in MODES:
    tag = "%s/-x" % mode
    log_path, extra = fresh("x-" + mode)
    rep = os.path.join(tmp, "x-%s.xml" % mode)
    r = run([manifest("x-" + mode, ["nap1", "fail", "nap2", "nap3"]), "-j", "1", "-x", "--isolation", mode],
            report=rep, extra_env=extra)
    check(r.code == 1, "%s: exit 1 (%d)" % (tag, r.code))
    ctors, runs = read_log(log_path)
    names = [x["name"] for x in runs]
    check(names == ["nap1", "fail"], "%s: only nap1 and fail ran (%s)"
          % (tag, names))
    if mode != "forkserver":
        check(len(ctors) == 2, "%s: the library loaded by the two that "
              "ran only (%d)" % (tag, len(ctors)))
    _, cases = read_report(rep)
    c = cases.get("ps.nap2")
    if check(c is not None, "%s: nap2 reported" % tag):
        check(c.outcome == "not_run" and c.message.startswith("not run: "),
              "%s: nap2 did not start: not run (%s: %r)" % (tag, c.outcome, c.message))
    check(not wait_gone(processes_with_lib(LIB)),
          "%s: no process of the suite left" % tag)

# ---- 5. Ctrl-C: the test made ahead of the interrupted one -------------

for mode in MODES:
    tag = "%s/interrupt" % mode
    log_path, extra = fresh("int-" + mode)
    rep = os.path.join(tmp, "int-%s.xml" % mode)
    argv = [PYNTEST, "-o", rep, manifest("int-" + mode, NAPS),
            "-j", "1", "--isolation", mode]
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env(**extra))
    # Into nap2 (each runs 200 ms), nap3 made and waiting.
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=scaled(60))
    log("$ %s  (SIGINT at 0.3 s, exit %d)" % (" ".join(argv), p.returncode))
    check(p.returncode == 2, "%s: exit 2 (%d)" % (tag, p.returncode))
    ctors, runs = read_log(log_path)
    names = [x["name"] for x in runs]
    # A slow machine may not have started nap1 by then.
    check(names in ([], ["nap1"], ["nap1", "nap2"]),
          "%s: nothing ran after the interrupt (%s)" % (tag, names))
    if not check(os.path.exists(rep), "%s: report written" % tag):
        log(err.decode("utf-8", "replace")[-2000:])
        continue
    _, cases = read_report(rep)
    for name in ("nap3", "nap4", "nap5"):
        c = cases.get("ps." + name)
        if check(c is not None, "%s: %s reported" % (tag, name)):
            check(c.outcome == "not_run" and
                  c.message == "not run: the run was interrupted",
                  "%s: %s not run: never started (%s: %r)"
                  % (tag, name, c.outcome, c.message))
    check(not wait_gone(processes_with_lib(LIB)),
          "%s: no process of the suite left" % tag)

# ---- 6. starting by itself: after the leftovers, not before a rerun ----

for mode in MODES:
    tag = "%s/leftover" % mode
    log_path, extra = fresh("leave-" + mode)
    # nap1 first: a library's first two forkserver tests are not made
    # ahead (3b); `after` is, while `leave` runs.
    r = run([manifest("leave-" + mode, ["nap1", "leave", "after"]), "-j",
             "1", "--isolation", mode], extra_env=extra)
    ctors, runs = read_log(log_path)
    names = [x["name"] for x in runs]
    if not check(names == ["nap1", "leave", "after"],
                 "%s: nap1, leave, after ran in order (%s)" % (tag, names)):
        continue
    check(runs[2]["begin"] - runs[2]["made"] >= 0.1,
          "%s: after was made >= 100 ms ahead (%.3f s)"
          % (tag, runs[2]["begin"] - runs[2]["made"]))
    states = ctors.get("after", [])
    check(states in (["gone"], ["Z"]),
          "%s: the process the last test left was dead when the next "
          "started (%s)" % (tag, states))
    check(not wait_gone(processes_with_lib(LIB)),
          "%s: no process of the suite left" % tag)

for mode in MODES:
    tag = "%s/retries" % mode
    log_path, extra = fresh("retry-" + mode)
    rep = os.path.join(tmp, "retry-%s.xml" % mode)
    r = run([manifest("retry-" + mode, ["nap1", "fail", "nap2", "nap3"]),
             "-j", "1", "--retries", "1", "--isolation", mode],
            report=rep, extra_env=extra)
    check(r.code == 1, "%s: exit 1 (%d)" % (tag, r.code))
    ctors, runs = read_log(log_path)
    names = [x["name"] for x in runs]
    check(names == ["nap1", "fail", "fail", "nap2", "nap3"],
          "%s: the rerun ran before the next test (%s)" % (tag, names))
    overlap = [(a["name"], b["name"]) for a, b in zip(runs, runs[1:])
               if b["begin"] < a["end"]]
    check(not overlap, "%s: no test ran while another ran (%s)"
          % (tag, overlap))

# Started by itself without the runner: forkserver at -j 1 only (spawn and
# fork wait for the runner's go).  The test before it stops the runner;
# the runner is resumed 1.5 s after the next test logged, or after 2 s.  A test
# that ended while the runner was stopped is timed by its own end, not by
# when the runner saw it, and its 1 s wall_time, past when the runner
# resumes, does not make it a timeout.

def proc_state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "?"


for mode in MODES:
    tag = "%s/runner-stopped" % mode
    log_path, extra = fresh("stopped-" + mode)
    rep = os.path.join(tmp, "stopped-%s.xml" % mode)
    argv = [PYNTEST, "-o", rep,
            manifest("stopped-" + mode, ["nap1", "stop_runner", "runner_state"],
                     wall="1s"),
            "-j", "1", "--isolation", mode]
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env(**extra))
    stopped_at = logged_at = None
    t0 = time.monotonic()
    while time.monotonic() - t0 < scaled(60) and p.poll() is None:
        if stopped_at is None and proc_state(p.pid) == "T":
            stopped_at = time.monotonic()
        if stopped_at is not None:
            if logged_at is None and "runner" in read_log(log_path)[0]:
                logged_at = time.monotonic()
            # Stopped on past the next test's end and its 1 s limit.
            if (logged_at and time.monotonic() - logged_at > 1.5) or \
               time.monotonic() - stopped_at > 2:
                break
        time.sleep(0.01)
    os.kill(p.pid, signal.SIGCONT)
    out, err = p.communicate(timeout=scaled(60))
    log("$ %s  (exit %d)" % (" ".join(argv), p.returncode))
    check(stopped_at is not None, "%s: the runner was stopped" % tag)
    if not check(p.returncode == 0, "%s: all pass (exit %d)"
                 % (tag, p.returncode)):
        log(err.decode("utf-8", "replace")[-2000:])
    if check(os.path.exists(rep), "%s: report written" % tag):
        _, cases = read_report(rep)
        got = dict((n, (c.outcome, round(c.time, 3)))
                   for n, c in cases.items())
        check(len(cases) == 3 and all(c.outcome == "pass" and
                                      c.time < 0.2 + scaled(0.3)
                                      for c in cases.values()),
              "%s: all passed, each timed < %.1f s (%s)"
              % (tag, 0.2 + scaled(0.3), got))
    states = read_log(log_path)[0].get("runner", [])
    want = ["T"] if mode == "forkserver" else ["R"]
    # Spawn and fork: the runner resumed before the test ran (R or S).
    got = ["R" if x in ("R", "S") else x for x in states]
    check(got == want, "%s: the next test ran %s (runner state %s)"
          % (tag, "while the runner was stopped" if want == ["T"] else
             "after the runner resumed", states))

# Without pidfd_open (a kernel before 5.3, valgrind 3.19) the runner
# watches its children through SIGCHLD: tests that start by themselves,
# one after another faster than the runner reads their ends, are each
# read and reported once (the runner once went round its list for ever).

no_pidfd = os.path.join(FIXTURES, "pyn_no_pidfd")
for mode in MODES:
    tag = "%s/no-pidfd" % mode
    log_path, extra = fresh("nopidfd-" + mode)
    rep = os.path.join(tmp, "nopidfd-%s.xml" % mode)
    path = os.path.join(tmp, "nopidfd-%s.yaml" % mode)
    with open(path, "w") as f:
        f.write("version: 1\nsuites:\n  - name: ps\n    library: %s\n"
                "    tests:\n" % LIB)
        for i in range(20):
            f.write("      - {name: q%d, function: ps_quick}\n" % i)
    argv = [no_pidfd, PYNTEST, "-o", rep, path, "-j", "1", "--isolation",
            mode]
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env(**extra))
    try:
        out, err = p.communicate(timeout=scaled(60))
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    log("$ %s  (exit %s)" % (" ".join(argv), p.returncode))
    if not check(p.returncode == 0, "%s: 20 quick tests pass (exit %s)"
                 % (tag, p.returncode)):
        log(err.decode("utf-8", "replace")[-2000:])
        continue
    _, cases = read_report(rep)
    check(len(cases) == 20 and all(c.outcome == "pass" for c in cases.values()),
          "%s: 20 passes reported (%d)" % (tag, len(cases)))
    runs = read_log(log_path)[1]
    check(len(runs) == 20, "%s: 20 runs logged (%d)" % (tag, len(runs)))

# ---- 7. how a fork server binds its library's calls ---------------------

for lib, mode, want in (("libpyn_fx_binding", "forkserver", "now"),
                        ("libpyn_fx_binding_lazy", "forkserver", "lazy"),
                        ("libpyn_fx_binding", "spawn", "lazy")):
    tag = "%s/%s" % (lib, mode)
    log_path, extra = fresh("bind-%s-%s" % (lib, mode))
    path = os.path.join(tmp, "bind-%s-%s.yaml" % (lib, mode))
    with open(path, "w") as f:
        f.write("version: 1\nsuites:\n  - name: bd\n    library: %s\n"
                "    tests: [bd_report, {name: again, function: bd_report}]\n"
                % lib)
    r = run([path, "-j", "1", "--isolation", mode], extra_env=extra)
    check(r.code == 0, "%s: both pass (exit %d)" % (tag, r.code))
    ctors, _ = read_log(log_path)
    check(ctors.get("binding") == [want, want],
          "%s: bound %s (%s)" % (tag, want, ctors.get("binding")))

# An IFUNC test function is resolved in the test's process, after the
# suite's env: is set, in every mode.
for mode in MODES:
    tag = "ifunc/%s" % mode
    log_path, extra = fresh("ifunc-" + mode)
    path = os.path.join(tmp, "ifunc-%s.yaml" % mode)
    with open(path, "w") as f:
        f.write("version: 1\nsuites:\n  - name: bd\n"
                "    library: libpyn_fx_binding\n    env: {BD_IMPL: b}\n"
                "    tests: [bd_ifunc, {name: again, function: bd_ifunc}]\n")
    r = run([path, "-j", "1", "--isolation", mode], extra_env=extra)
    check(r.code == 0, "%s: both pass (exit %d)" % (tag, r.code))
    ctors, _ = read_log(log_path)
    check(ctors.get("ifunc") == ["b", "b"],
          "%s: resolved with the suite's env: (%s)" % (tag, ctors.get("ifunc")))

done()
