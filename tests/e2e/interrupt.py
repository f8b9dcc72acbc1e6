# SPDX-License-Identifier: MIT
"""e2e: SIGINT and SIGTERM stop a run cleanly; SIGKILL leaves the old
report intact.

SIGINT/SIGTERM: pyntest exits 2, the report holds the finished result,
the test that was running as `interrupted`, every test that never started
as `not_run` (a skipped element, no failure), and no fixture process is
left.
SIGKILL: the report file is replaced atomically, so the previous one
stays as it was, and the test processes die with the runner.
"""
import os
import signal
import subprocess
import time

from pyn_e2e import (PYNTEST, check, done, env, kill_all, log, processes_with_lib,
                     read_report, require_pyntest, scaled, suite, wait_gone,
                     workdir)

require_pyntest()
tmp = workdir()
LIB = "libpyn_fx_limits"

stray = processes_with_lib(LIB)
if stray:
    log("note: %d processes of %s from elsewhere: %s" % (len(stray), LIB, stray))


MARK = os.path.join(tmp, "quick.done")


def start(report):
    if os.path.exists(MARK):
        os.unlink(MARK)
    argv = [PYNTEST, "-j", "1", "-o", report, suite("sleepers.yaml")]
    log("$ " + " ".join(argv))
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE,
                            # A fresh duration cache: manifest order, quick first.
                            env=env(PYN_FX_DONE=MARK,
                                    PYNTEST_CACHE_DIR=workdir("pyn-e2e-cache-")))


def wait_for_sleeper(p, seconds=20.0):
    """Wait until the quick test is over (it creates MARK as it returns)
    and a sleeping test runs."""
    deadline = time.monotonic() + scaled(seconds)
    while time.monotonic() < deadline and p.poll() is None:
        if os.path.exists(MARK):
            time.sleep(scaled(0.5))  # the runner reaps quick, starts sleep_1
            return bool(processes_with_lib(LIB))
        time.sleep(0.02)
    return False


for sig in (signal.SIGINT, signal.SIGTERM):
    name = signal.Signals(sig).name
    rep = os.path.join(tmp, "%s.xml" % name)
    p = start(rep)
    check(wait_for_sleeper(p), "%s: a test started" % name)
    before = set(processes_with_lib(LIB)) - set(stray)
    p.send_signal(sig)
    try:
        out, err = p.communicate(timeout=scaled(10))
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        check(False, "%s: pyntest ended within %.0f s" % (name, scaled(10)))
    check(p.returncode == 2, "%s: exit 2 (got %s)" % (name, p.returncode))
    left = wait_gone(list(before), scaled(2.0))
    check(not left, "%s: no test process left (left: %s)" % (name, left))
    kill_all(left)
    if check(os.path.exists(rep), "%s: report written" % name):
        _, cases = read_report(rep)
        got = {tid: c.outcome for tid, c in cases.items()}
        want = {"sleepers.quick": "pass", "sleepers.sleep_1": "interrupted",
                "sleepers.sleep_2": "not_run", "sleepers.sleep_3": "not_run",
                "after.fx_pass": "not_run"}
        check(got == want, "%s: finished result kept, the running test interrupted, "
              "the rest not run\n     want %s\n"
              "     got  %s" % (name, want, got))
        c = cases.get("after.fx_pass")
        if c is not None:
            check(c.skipped is not None and c.error is None and
                  (c.skipped.get("message") or "").startswith("not run: "),
                  "%s: a test never started is <skipped message=\"not run: ...\">"
                  % name)
        c = cases.get("sleepers.sleep_1")
        if c is not None:
            check(c.type == "Interrupted", "%s: <error type=\"Interrupted\"> (got %s)"
                  % (name, c.type))
    if p.returncode != 2:
        log((out + err).decode("utf-8", "replace")[-3000:])

# Ctrl-C twice in a row: still exit 2, still nothing left running.
rep = os.path.join(tmp, "twice.xml")
p = start(rep)
check(wait_for_sleeper(p), "SIGINT twice: a test started")
before = set(processes_with_lib(LIB)) - set(stray)
p.send_signal(signal.SIGINT)
p.send_signal(signal.SIGINT)
try:
    p.communicate(timeout=scaled(10))
except subprocess.TimeoutExpired:
    p.kill()
    p.communicate()
    check(False, "SIGINT twice: pyntest ended within %.0f s" % scaled(10))
check(p.returncode in (2, -signal.SIGINT, 130),
      "SIGINT twice: interrupted exit (got %s)" % p.returncode)
left = wait_gone(list(before), scaled(2.0))
check(not left, "SIGINT twice: no test process left (left: %s)" % left)
kill_all(left)

# SIGKILL: the old report stays, the children die with the runner.
rep = os.path.join(tmp, "kill.xml")
OLD = b"<?xml version=\"1.0\"?>\n<testsuites><!-- the old report --></testsuites>\n"
with open(rep, "wb") as f:
    f.write(OLD)
p = start(rep)
check(wait_for_sleeper(p), "SIGKILL: a test started")
before = set(processes_with_lib(LIB)) - set(stray)
p.kill()
p.communicate()
with open(rep, "rb") as f:
    check(f.read() == OLD, "SIGKILL: the old report is intact")
leftovers = [x for x in os.listdir(tmp)
             if x not in ("SIGINT.xml", "SIGTERM.xml", "twice.xml", "kill.xml", "quick.done")]
check(not leftovers, "SIGKILL: only the report in its folder (found %s)" % leftovers)
left = wait_gone(list(before), scaled(3.0))
check(not left, "SIGKILL: the test processes died with pyntest (left: %s)" % left)
kill_all(left)
done()
