# SPDX-License-Identifier: MIT
"""robust: every signal a user sends every day has a meaning (issue 20
item 5, docs/cli.md "Signals"), checked on a real running pyntest.

Two tests run at once (-j 2), each with a tree of four sleeping processes
(sleepers.yaml, pids in $PYN_RB_PIDFILE).
- SIGHUP (terminal closed), SIGQUIT (Ctrl-\\) and SIGALRM interrupt like
  Ctrl-C: exit 2, a whole report with both tests interrupted, none of the
  8 processes left.
- SIGUSR1 prints a status line on stderr and the run goes on; SIGUSR2
  changes nothing; after either, SIGINT still ends the run as above.
- SIGPIPE: `pyntest -v ... | head -1`: stdout closed after the first
  line; pyntest stops printing, runs every test and writes the report,
  exit 0 (not 141).
"""
import os
import signal
import subprocess
import time

from rb import check_interrupted, finish, manifest, start_sleepers, wait_pids
from pyn_e2e import PYNTEST, check, done, env, log, read_report, scaled, workdir

tmp = workdir()

for sig in (signal.SIGHUP, signal.SIGQUIT, signal.SIGALRM):
    label = sig.name
    rep = os.path.join(tmp, "%s.xml" % label)
    pidfile = os.path.join(tmp, "%s.pids" % label)
    p = start_sleepers(rep, pidfile)
    pids = wait_pids(p, pidfile)
    check(len(pids) == 8, "%s: 2 tests with 4 processes each running (%d)" % (label, len(pids)))
    p.send_signal(sig)
    out, err = finish(p)
    check_interrupted(label, p, pids, rep, err)

for sig in (signal.SIGUSR1, signal.SIGUSR2):
    label = sig.name
    rep = os.path.join(tmp, "%s.xml" % label)
    pidfile = os.path.join(tmp, "%s.pids" % label)
    p = start_sleepers(rep, pidfile)
    pids = wait_pids(p, pidfile)
    check(len(pids) == 8, "%s: 2 tests with 4 processes each running (%d)" % (label, len(pids)))
    p.send_signal(sig)
    time.sleep(scaled(0.5))
    check(p.poll() is None, "%s: pyntest still running 0.5 s later (exit %s)"
          % (label, p.returncode))
    p.send_signal(signal.SIGINT)
    out, err = finish(p)
    status = [x for x in err.splitlines() if x.startswith("pyntest: status:")]
    if sig == signal.SIGUSR1:
        check(len(status) == 1 and "0 of 2 tests done" in status[0]
              and "tree.one" in status[0] and "tree.two" in status[0],
              "SIGUSR1: one status line naming both running tests (%s)" % status)
    else:
        check(not status, "SIGUSR2: no status line (%s)" % status)
    check_interrupted(label + " then SIGINT", p, pids, rep, err)

# SIGPIPE: stdout read up to its first line, then closed.
rep = os.path.join(tmp, "pipe.xml")
argv = [PYNTEST, "-v", "-j", "1", "-o", rep, manifest("short.yaml")]
log("$ " + " ".join(argv) + " | head -1")
p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, env=env())
first = p.stdout.readline()
p.stdout.close()
try:
    err = p.communicate(timeout=scaled(30))[1].decode("utf-8", "replace")
except subprocess.TimeoutExpired:
    p.kill()
    err = p.communicate()[1].decode("utf-8", "replace")
log("     first line: %r" % first)
check(p.returncode == 0, "SIGPIPE: exit 0, not killed (got %s)\n%s"
      % (p.returncode, err[-600:]))
if check(os.path.exists(rep), "SIGPIPE: report written"):
    _, cases = read_report(rep)
    got = sorted((k, c.outcome) for k, c in cases.items())
    check(got == [("short." + x, "pass") for x in "abcde"],
          "SIGPIPE: every test ran and passed (%s)" % got)
done()
