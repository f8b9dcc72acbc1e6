# SPDX-License-Identifier: MIT
"""e2e: a test that stops its fork server (SIGSTOP) hangs nothing.

The server then never answers for the tests asked of it after that one.
1. Each such test's wall limit counts from when it was asked: at it the
   server is killed, the test it had made (if any) is found through its
   page, and later tests of the library are spawned: the run ends with
   every test reported, a warning says what happened, and no process of
   the suite is left (stopped or not).
2. Ctrl-C while tests wait on the stopped server ends the run at once,
   the report written, every unfinished test marked interrupted.
"""
import os
import signal
import subprocess
import time

from pyn_e2e import (PYNTEST, check, done, env, log, processes_with_lib,
                     read_report, run, show, wait_gone, workdir)

tmp = workdir()
LIB = "libpyn_fx_hostile"
stray = set(processes_with_lib(LIB))


def manifest(name, wall):
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write("version: 1\nsuites:\n  - name: st\n    library: %s\n"
                "    isolation: forkserver\n    wall_time: %s\n    tests:\n"
                "      - {name: stop, function: fx_stop_loader}\n" % (LIB, wall))
        for i in range(1, 7):
            f.write("      - {name: after%d, function: fx_quick}\n" % i)
    return path


def left():
    return [p for p in wait_gone([p for p in processes_with_lib(LIB)
                                  if p not in stray])]


# ---- 1. deadlines end the wait ------------------------------------------

for jobs in ("1", "2"):
    tag = "-j %s" % jobs
    rep = os.path.join(tmp, "deadline-j%s.xml" % jobs)
    cache = os.path.join(tmp, "cache-j" + jobs)
    r = run([manifest("deadline-j" + jobs, "1s"), "-j", jobs], report=rep,
            timeout=60, extra_env={"PYNTEST_CACHE_DIR": cache})
    check(r.seconds < 30, "%s: the run ended (%.1f s)" % (tag, r.seconds))
    if not check(os.path.exists(rep), "%s: report written" % tag):
        show(r)
        continue
    _, cases = read_report(rep)
    check(len(cases) == 7, "%s: 7 testcases (%d)" % (tag, len(cases)))
    outs = {c.name: c.outcome for c in cases.values()}
    check(outs.get("stop") == "pass", "%s: the stopper passed (%s)"
          % (tag, outs.get("stop")))
    # Asked of the stopped server: its test was made before it stopped
    # (found and run), or it is a wall timeout; every later one passes.
    bad = [n for n, o in outs.items() if o not in ("pass", "wall_timeout")]
    check(not bad, "%s: every test passed or timed out waiting (%s)"
          % (tag, outs))
    check(sum(o == "pass" for o in outs.values()) >= 5,
          "%s: at least 5 of 7 passed (%s)" % (tag, outs))
    check("did not start a test within its deadline" in r.err,
          "%s: a warning says the server was killed" % tag)
    check(not left(), "%s: no process of the suite left" % tag)

# ---- 2. Ctrl-C ends the wait -------------------------------------------

rep = os.path.join(tmp, "interrupt.xml")
argv = [PYNTEST, "-o", rep, manifest("interrupt", "60s"), "-j", "1"]
p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE,
                     env=env(PYNTEST_CACHE_DIR=os.path.join(tmp, "c-int")))
time.sleep(1.0)
t0 = time.monotonic()
p.send_signal(signal.SIGINT)
try:
    out, err = p.communicate(timeout=20)
    secs = time.monotonic() - t0
    log("$ %s  (SIGINT at 1 s, exit %d after %.2f s)"
        % (" ".join(argv), p.returncode, secs))
    check(p.returncode == 2 and secs < 10,
          "Ctrl-C: exit 2 at once (%d after %.2f s)" % (p.returncode, secs))
except subprocess.TimeoutExpired:
    p.kill()
    p.communicate()
    check(False, "Ctrl-C: the run ended (it hung 20 s)")
if check(os.path.exists(rep), "Ctrl-C: report written"):
    _, cases = read_report(rep)
    outs = {c.name: c.outcome for c in cases.values()}
    # after1 may have been made (prestarted) before its server stopped.
    check(len(cases) == 7 and outs.get("stop") == "pass" and
          outs.get("after1") in ("pass", "interrupted") and
          all(outs.get("after%d" % i) == "interrupted" for i in range(2, 7)),
          "Ctrl-C: the stopper passed, every test asked of the stopped "
          "server interrupted (%s)" % outs)
check(not left(), "Ctrl-C: no process of the suite left")

done()
