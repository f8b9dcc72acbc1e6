# SPDX-License-Identifier: MIT
"""robust: every process a test started is gone when it ends, unless the
manifest says `terminate_child_processes: false` (issue 4 §1, §4).

- false (with or without a memory limit): three deliberately detached (setsid + double fork) processes
  outlive the test, untouched; this script then kills them itself.
- true, and the default: the same three are killed when the test ends,
  and the report says so: property pyntest.leftover_processes = 3 and the
  console line `LEAK ... left 3 processes running (killed)`.
- a fork bomb under the max_procs plug-in makes at most count - 1 forks.
"""
import os
import re
import time

from rb import manifest, read_pids
from pyn_e2e import (check, done, kill_all, log, pid_alive, processes_with_lib, read_report,
                     run, show, wait_gone, workdir)

tmp = workdir()
LIB = "libpyn_rb_fx"
stray = set(processes_with_lib(LIB))


def run_tree(which):
    pidfile = os.path.join(tmp, which + ".pids")
    rep = os.path.join(tmp, which + ".xml")
    r = run(["-j", "1", "-k", which + ".*", manifest("tree.yaml")], report=rep,
            extra_env={"PYN_RB_PIDFILE": pidfile})
    if not check(r.code == 0, "%s: exit 0 (got %d)" % (which, r.code)):
        show(r)
    pids = read_pids(pidfile)
    check(len(pids) == 3, "%s: the test detached 3 processes (%s)" % (which, pids))
    case = None
    if check(os.path.exists(rep), "%s: report written" % which):
        _, cases = read_report(rep)
        case = cases.get(which + ".detach_3")
        check(case is not None and case.outcome == "pass",
              "%s: detach_3 passed (%s)" % (which, case and case.outcome))
    return r, pids, case


# false: the detached processes are left alone, also after pyntest exits
# (its cgroups are removed then), with and without a memory cgroup.
for which in ("keep", "keep_mem"):
    r, pids, case = run_tree(which)
    time.sleep(0.3)
    alive = [p for p in pids if pid_alive(p)]
    check(pids and alive == pids, "%s: all 3 detached processes still run (%s of %s)"
          % (which, alive, pids))
    if case is not None:
        check("pyntest.leftover_processes" not in case.props,
              "%s: no leftover warning when nothing was killed (%s)"
              % (which, case.props.get("pyntest.leftover_processes")))
    check("LEAK" not in r.out, "%s: no LEAK line on the console" % which)
    kill_all(pids)
    check(not wait_gone(pids, 3.0), "%s: the script cleaned its detached processes up" % which)

# true and the default: killed, counted, reported.
for which in ("kill", "default"):
    r, pids, case = run_tree(which)
    left = wait_gone(pids, 2.0)
    check(pids and not left, "%s: the 3 detached processes are gone (left %s)" % (which, left))
    kill_all(left)
    if case is not None:
        check(case.props.get("pyntest.leftover_processes") == "3",
              "%s: property pyntest.leftover_processes = 3 (got %r)"
              % (which, case.props.get("pyntest.leftover_processes")))
    check(re.search(r"LEAK .*%s\.detach_3: left 3 processes running \(killed\)" % which,
                    r.out) is not None,
          "%s: console warns `left 3 processes running (killed)`\n%s" % (which, r.out))

# A fork bomb, bounded by max_procs (count 16: the test and 15 more).
countfile = os.path.join(tmp, "bomb.count")
rep = os.path.join(tmp, "bomb.xml")
r = run(["-j", "1", manifest("bomb.yaml")], report=rep,
        extra_env={"PYN_RB_COUNTFILE": countfile})
if not check(r.code == 0, "bomb: exit 0 (got %d)" % r.code):
    show(r)
try:
    with open(countfile) as f:
        made = int(f.read().strip())
except (OSError, ValueError):
    made = -1
# Not root: max_procs falls back to RLIMIT_NPROC, which counts every
# process of the user (the runner's, ctest's too: limiters/examples/
# max_procs), so none of the 15 may be left to the test.
low = 0 if os.geteuid() != 0 else 1
check(low <= made <= 15,
      "bomb: at most 15 forks succeeded under max_procs count 16 (made %d)"
      % made)
if check(os.path.exists(rep), "bomb: report written"):
    _, cases = read_report(rep)
    c = cases.get("bomb.limited")
    check(c is not None and c.outcome == "pass", "bomb: limited passed (%s: %s)"
          % (c and c.outcome, c and c.message))
    log("     bomb: %d forks; leftover_processes=%s" % (
        made, c and c.props.get("pyntest.leftover_processes")))

left = wait_gone(sorted(set(processes_with_lib(LIB)) - stray), 2.0)
check(not left, "no process of the fixtures left (%s)" % left)
kill_all(left)
done()
