# SPDX-License-Identifier: MIT
"""e2e: every isolation mode (SPEC §7) gives the same outcomes: the whole
of outcomes.yaml meets its expectations under --isolation fork, spawn and
forkserver, and the report says so test by test."""
import os

from pyn_e2e import SANITIZED, check, done, read_report, run, show, suite, workdir

tmp = workdir()
extra = {"PYNTEST_PROVIDERS": "memory=cgroup1"} if SANITIZED else {}
seen = {}
# spawn-fork: spawn mode's worker made by fork + exec, as where posix_spawn
# cannot (PYNTEST_SPAWN_FORK=1), not by posix_spawn.
for name in ("forkserver", "spawn", "fork", "spawn-fork"):
    mode = name.split("-")[0]
    rep = os.path.join(tmp, name + ".xml")
    env = dict(extra, PYNTEST_SPAWN_FORK="1") if name == "spawn-fork" else extra
    r = run([suite("outcomes.yaml"), "-j", "2", "--isolation", mode], report=rep,
            extra_env=env)
    if not check(r.code == 0, "%s: every expectation met, exit 0 (got %d)" % (name, r.code)):
        show(r)
    if check(os.path.exists(rep), "%s: report written" % name):
        _, cases = read_report(rep)
        seen[name] = {tid: c.outcome for tid, c in cases.items()}
        check(len(cases) == 23, "%s: 23 testcases (got %d)" % (name, len(cases)))
if len(seen) == 4:
    check(all(seen[n] == seen["forkserver"] for n in seen),
          "the modes agree on every outcome\n     %s" % seen)
done()
