# SPDX-License-Identifier: MIT
"""e2e: a test that stops its fork server (SIGSTOP) hangs nothing.

The server then never answers for the tests asked of it after that one.
1. Each such test's wall limit counts from when it was asked: at it (or
   2 s after, if its limit is shorter: a busy server is not a stopped one)
   the server is killed, the test it had made (if any) is found through
   its page, and later tests of the library are spawned, their deadlines
   counted from the spawn (1b; also with -x, 1c, with only a CPU limit,
   1d, and with no limit at all, 1e): the run ends with
   every test reported, a warning says what happened, and no process of
   the suite is left (stopped or not).
2. Ctrl-C while tests wait on the stopped server ends the run at once,
   the report written, every unfinished test marked interrupted or not
   run.
3. A server that stalls right after its clone, while its child is slow
   to its first write (strace delays the server's clone3 3 s on its way
   out and the child's first mmap 4 s): the child is still found, through
   the server's own page the kernel wrote its pid into at the clone, and
   ends as a wall timeout; not run a second time beside it.

Two parts (tests/e2e.cmake): `stopped` (1 and 2) and `stall` (3, which
skips only when strace cannot trace here).
"""
import os
import signal
import subprocess
import time

from pyn_e2e import (PYNTEST, check, done, env, log, part, processes_with_lib,
                     read_report, run, scaled, show, strace_or_skip,
                     wait_gone, workdir)

which = part(("stopped", "stall"))
tmp = workdir()
LIB = "libpyn_fx_hostile"
stray = set(processes_with_lib(LIB, own=True))


def write(name, limits, tests):
    """A manifest of TESTS ((name, function[, extra keys]) ...) under
    LIMITS (suite keys, may be empty) in forkserver mode."""
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write("version: 1\nsuites:\n  - name: st\n    library: %s\n"
                "    isolation: forkserver\n%s    tests:\n"
                % (LIB, "".join("    %s\n" % l for l in limits)))
        for t in tests:
            f.write("      - {name: %s, function: %s%s}\n"
                    % (t[0], t[1], ", " + t[2] if len(t) > 2 else ""))
    return path


def manifest(name, wall):
    return write(name, ["wall_time: " + wall],
                 [("stop", "fx_stop_loader")] +
                 [("after%d" % i, "fx_quick") for i in range(1, 7)])


def stopped_server():
    """A process of the suite's library in state T (stopped), or None."""
    for pid in processes_with_lib(LIB, own=True):
        if pid in stray:
            continue
        try:
            with open("/proc/%d/stat" % pid) as f:
                st = f.read()
        except OSError:
            continue
        if st[st.rindex(")") + 2] == "T":
            return pid
    return None


def left():
    return [p for p in wait_gone([p for p in processes_with_lib(LIB, own=True)
                                  if p not in stray])]


def stopped():
    # ---- 1. deadlines end the wait ------------------------------------------

    for jobs in ("1", "2"):
        tag = "-j %s" % jobs
        rep = os.path.join(tmp, "deadline-j%s.xml" % jobs)
        cache = os.path.join(tmp, "cache-j" + jobs)
        r = run([manifest("deadline-j" + jobs, "1s"), "-j", jobs], report=rep,
                timeout=60, extra_env={"PYNTEST_CACHE_DIR": cache})
        check(r.seconds < scaled(30), "%s: the run ended (%.1f s)" % (tag, r.seconds))
        if not check(os.path.exists(rep), "%s: report written" % tag):
            show(r)
            continue
        _, cases = read_report(rep)
        check(len(cases) == 7, "%s: 7 testcases (%d)" % (tag, len(cases)))
        outs = {c.name: c.outcome for c in cases.values()}
        check(outs.get("stop") == "pass", "%s: the stopper passed (%s)"
              % (tag, outs.get("stop")))
        # Each was made before the server stopped (found, it ran), or never
        # (spawned once the server was given up): all pass.
        check(all(o == "pass" for o in outs.values()),
              "%s: every test passed (%s)" % (tag, outs))
        check("did not start a test within" in r.err,
              "%s: a warning says the server was killed" % tag)
        check(not left(), "%s: no process of the suite left" % tag)

    # ---- 1b. a test spawned after the server was killed: deadline anew ------
    # stop stops the server 200 ms in; a and b were made before; hang and
    # nap are asked of the stopped server, then spawned: hang is killed at its
    # own wall limit from the spawn (not never, not at once), nap passes.

    rep = os.path.join(tmp, "respawn.xml")
    r = run([write("respawn", ["wall_time: 1s"],
                   [("stop", "fx_stop_loader_later"), ("a", "fx_nap400"),
                    ("b", "fx_nap400"), ("hang", "fx_read_pipe"),
                    ("nap", "fx_nap400")]),
             "-j", "3"], report=rep, timeout=60,
            extra_env={"PYNTEST_CACHE_DIR": os.path.join(tmp, "c-respawn"),
                       "PYNTEST_PRESTART": "0"})
    check(r.seconds < scaled(15), "respawn: the run ended (%.1f s)" % r.seconds)
    if check(os.path.exists(rep), "respawn: report written"):
        _, cases = read_report(rep)
        outs = {c.name: (c.outcome, c.time) for c in cases.values()}
        check(all(outs.get(n, ("?",))[0] == "pass"
                  for n in ("stop", "a", "b", "nap")),
              "respawn: stop, a, b and nap passed (%s)" % outs)
        o, t = outs.get("hang", ("?", 0))
        check(o == "wall_timeout" and 0.9 < t < 1.0 + scaled(0.5),
              "respawn: hang timed out at its 1 s limit from its spawn (%s %.3f)"
              % (o, t))
    check(not left(), "respawn: no process of the suite left")

    # ---- 1c. -x with a test made ahead, waiting on the stopped server -------
    # The run must end (the engine used to wait for the server's answer).

    rep = os.path.join(tmp, "x.xml")
    r = run([write("x", ["wall_time: 5s"],
                   [("a", "fx_nap300"), ("s", "fx_stop_loader_then_abort"),
                    ("x", "fx_nap1000", "isolation: spawn"), ("y", "fx_quick"),
                    ("z", "fx_quick")]),
             "-j", "2", "-x"], report=rep, timeout=60,
            extra_env={"PYNTEST_CACHE_DIR": os.path.join(tmp, "c-x")})
    check(r.code == 1 and r.seconds < scaled(15),
          "-x: exit 1, the run ended (%d, %.1f s)" % (r.code, r.seconds))
    check(os.path.exists(rep), "-x: report written")
    check(not left(), "-x: no process of the suite left")

    # ---- 1d. a CPU limit and no wall limit: the server is still given up ----

    rep = os.path.join(tmp, "cpu.xml")
    r = run([write("cpu", ["cpu_time: 1s"],
                   [("stop", "fx_stop_loader"), ("after", "fx_quick")]),
             "-j", "1"], report=rep, timeout=60,
            extra_env={"PYNTEST_CACHE_DIR": os.path.join(tmp, "c-cpu")})
    check(r.code == 0 and r.seconds < scaled(15),
          "cpu_time only: both pass, the run ended (%d, %.1f s)"
          % (r.code, r.seconds))
    check(not left(), "cpu_time only: no process of the suite left")

    # ---- 1e. no limit at all: the server's patience alone ----------------------

    rep = os.path.join(tmp, "nolimit.xml")
    r = run([write("nolimit", [],
                   [("stop", "fx_stop_loader_later"), ("a", "fx_nap400"),
                    ("b", "fx_quick")]),
             "-j", "2"], report=rep, timeout=60,
            extra_env={"PYNTEST_CACHE_DIR": os.path.join(tmp, "c-nolimit")})
    check(r.code == 0 and r.seconds < scaled(15),
          "no limit: all pass, the run ended (%d, %.1f s)" % (r.code, r.seconds))
    check(not left(), "no limit: no process of the suite left")

    # ---- 2. Ctrl-C ends the wait -------------------------------------------

    rep = os.path.join(tmp, "interrupt.xml")
    argv = [PYNTEST, "-o", rep, manifest("interrupt", "60s"), "-j", "1"]
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE,
                         env=env(PYNTEST_CACHE_DIR=os.path.join(tmp, "c-int")))
    # Once the server is stopped (a slow machine may take seconds to start
    # it), and the tests after the stopper wait on it.
    until = time.monotonic() + scaled(30)
    while time.monotonic() < until and not stopped_server():
        time.sleep(0.05)
    time.sleep(scaled(0.3))
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=scaled(20))
        secs = time.monotonic() - t0
        log("$ %s  (SIGINT once its server stopped, exit %d after %.2f s)"
            % (" ".join(argv), p.returncode, secs))
        check(p.returncode == 2 and secs < scaled(10),
              "Ctrl-C: exit 2 at once (%d after %.2f s)" % (p.returncode, secs))
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        check(False, "Ctrl-C: the run ended (it hung %.0f s)" % scaled(20))
    if check(os.path.exists(rep), "Ctrl-C: report written"):
        _, cases = read_report(rep)
        outs = {c.name: c.outcome for c in cases.values()}
        # after1 may have been made (prestarted) before its server stopped.
        # The rest never started: not run (SPEC §3), never a failure.
        check(len(cases) == 7 and outs.get("stop") == "pass" and
              outs.get("after1") in ("pass", "interrupted", "not_run") and
              all(outs.get("after%d" % i) in ("interrupted", "not_run")
                  for i in range(2, 7)),
              "Ctrl-C: the stopper passed, every test asked of the stopped "
              "server interrupted or not run (%s)" % outs)
    check(not left(), "Ctrl-C: no process of the suite left")


def server_of(runner):
    """The fork server the runner RUNNER started, or None."""
    for pid in processes_with_lib(LIB, own=True):
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if b"--server" in argv and str(runner).encode() in argv:
            return pid
    return None


# ---- 3. the server stalls right after a clone ---------------------------

def stall():
    strace = strace_or_skip()
    rep = os.path.join(tmp, "stall.xml")
    trace = os.path.join(tmp, "stall-strace.txt")
    argv = [PYNTEST, "-o", rep, "-j", "1",
            write("stall", [], [("first", "fx_nap1000"),
                                ("made", "fx_nap400", "wall_time: 1s")])]
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env(PYNTEST_CACHE_DIR=os.path.join(tmp, "c-st"),
                                 PYNTEST_PRESTART="0"))
    server = None
    until = time.monotonic() + scaled(30)
    while time.monotonic() < until and p.poll() is None and not server:
        server = server_of(p.pid)
        time.sleep(0.02)
    tracer = None
    if check(server, "stalled: the runner's fork server found (%s)" % server):
        tracer = subprocess.Popen(
            [strace, "-f", "-qq", "-o", trace, "-p", str(server),
             "-e", "trace=clone3,mmap",
             "-e", "inject=clone3:delay_exit=3000000",
             "-e", "inject=mmap:delay_enter=4000000"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
    out, err = p.communicate(timeout=scaled(60))
    if tracer:
        try:
            tracer.communicate(timeout=scaled(20))
        except subprocess.TimeoutExpired:
            tracer.kill()
            tracer.communicate()
    out, err = out.decode(), err.decode()
    log("$ %s  (strace on its server %s, exit %d)"
        % (" ".join(argv), server, p.returncode))
    traced = ""
    if os.path.exists(trace):
        with open(trace) as f:
            traced = f.read()
    # The first test naps 1 s: time enough to attach before the clone.
    delayed = check("DELAYED" in traced,
                    "stalled: strace delayed the server's clone: %s"
                    % (traced[-300:] or "no trace"))
    if delayed and check(os.path.exists(rep), "stalled: report written"):
        _, cases = read_report(rep)
        outs = {c.name: c.outcome for c in cases.values()}
        check(outs.get("first") == "pass" and
              outs.get("made") == "wall_timeout",
              "stalled: the test the server made was found and timed out, "
              "not spawned again (%s)" % outs)
        check("left 1 process" not in out + err,
              "stalled: no second run of it found its first process")
    check(not left(), "stalled: no process of the suite left")

if which == "stopped":
    stopped()
else:
    stall()
done()
