# SPDX-License-Identifier: MIT
"""e2e: hostile tests (issue 4 §4) cannot take the runner down, corrupt the
report or leave processes behind.

hostile.yaml expects an outcome for each: the run must exit 0 with a
report that validates, the setsid+double-fork grandchild must be gone,
and no process mapping the fixture library may remain.
"""
import os

from pyn_e2e import (XSD, check, done, kill_all, processes_with_lib, read_report,
                     run, show, suite, wait_gone, workdir)

tmp = workdir()
LIB = "libpyn_fx_hostile"
pidfile = os.path.join(tmp, "grandchild.pid")
stray = set(processes_with_lib(LIB, own=True))

rep = os.path.join(tmp, "hostile.xml")
r = run([suite("hostile.yaml"), "-j", "1"], report=rep, timeout=240,
        extra_env={"PYN_FX_PIDFILE": pidfile})
if not check(r.code == 0, "every hostile test had its expected outcome, exit 0 (got %d)"
             % r.code):
    show(r)
if check(os.path.exists(rep), "report written"):
    _, cases = read_report(rep)
    check(len(cases) == 15, "15 testcases (got %d)" % len(cases))
    for tid, c in sorted(cases.items()):
        check(c.verdict == "pass", "%s: met its expectation (outcome %s: %s)"
              % (tid, c.outcome, c.message))
    c = cases.get("hostile.stdout_1gb")
    if c is not None:
        check(len(c.stdout or "") <= (1 << 20) + 4096,
              "stdout_1gb: output cut to the limit (%d kept)" % len(c.stdout or ""))
    from pyn_e2e import validate
    ok, out = validate(rep, XSD)
    check(ok, "report validates against pyntest-junit.xsd" + ("" if ok else "\n" + out[:1500]))

if check(os.path.exists(pidfile), "the escaping grandchild wrote its pid"):
    with open(pidfile) as f:
        gpid = int(f.read().strip() or "0")
    left = wait_gone([gpid], 2.0)
    check(not left, "the setsid + double-fork grandchild %d is gone" % gpid)
    kill_all(left)

left = wait_gone(sorted(set(processes_with_lib(LIB, own=True)) - stray), 2.0)
check(not left, "no process of the hostile fixtures left (%s)" % left)
kill_all(left)
done()
