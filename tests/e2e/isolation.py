# SPDX-License-Identifier: MIT
"""e2e: every isolation mode (SPEC §7) gives the same outcomes: the whole
of outcomes.yaml meets its expectations under --isolation fork, spawn and
forkserver, and the report says so test by test."""
import os

from pyn_e2e import SANITIZED, check, done, read_report, run, show, suite, workdir

tmp = workdir()
extra = {"PYNTEST_PROVIDERS": "memory=cgroup1"} if SANITIZED else {}
seen = {}
for mode in ("forkserver", "spawn", "fork"):
    rep = os.path.join(tmp, mode + ".xml")
    r = run([suite("outcomes.yaml"), "-j", "2", "--isolation", mode], report=rep,
            extra_env=extra)
    if not check(r.code == 0, "%s: every expectation met, exit 0 (got %d)" % (mode, r.code)):
        show(r)
    if check(os.path.exists(rep), "%s: report written" % mode):
        _, cases = read_report(rep)
        seen[mode] = {tid: c.outcome for tid, c in cases.items()}
        check(len(cases) == 23, "%s: 23 testcases (got %d)" % (mode, len(cases)))
if len(seen) == 3:
    check(seen["spawn"] == seen["forkserver"] and seen["fork"] == seen["forkserver"],
          "the three modes agree on every outcome\n     %s" % seen)
done()
