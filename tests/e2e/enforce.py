# SPDX-License-Identifier: MIT
"""e2e: a limit the manifest sets that no supported limiter here can
enforce is a manifest error (exit 4, FILE:LINE:COLUMN, the reason), so a
test is never silently run without its limit; --best-effort runs it with
one warning instead.

The memory limiter is made unsupported by forcing a provider that cannot
be had (PYNTEST_PROVIDERS=memory=nosuch), which works on every machine.
"""
import re

from pyn_e2e import check, done, require_pyntest, run, suite

require_pyntest()
force = {"PYNTEST_PROVIDERS": "memory=nosuch"}

r = run([suite("raw.yaml"), "-k", "limits.mem_32mb"], extra_env=force)
check(r.code == 4, "unenforceable memory limit: exit 4 (got %d)" % r.code)
check(re.search(r"raw\.yaml:\d+:\d+: error: test 'limits\.mem_32mb' needs "
                r"limiter 'memory', which is not supported here: .+; pass "
                r"--best-effort", r.err),
      "the error names the test, its location, the limiter and why\n" + r.err)
check("1 test" not in r.out and "passed" not in r.out,
      "nothing ran\n" + r.out)

r = run([suite("raw.yaml"), "--check"], extra_env=force)
check(r.code == 4, "--check reports it too: exit 4 (got %d)" % r.code)

r = run([suite("raw.yaml"), "--list"], extra_env=force)
check(r.code == 0, "--list still lists (got %d)" % r.code)

r = run([suite("raw.yaml"), "-k", "limits.mem_32mb", "--best-effort"],
        extra_env=force)
check(r.code == 0, "--best-effort runs it: exit 0 (got %d)\n%s" % (r.code, r.err))
check(r.err.count("warning: limiter 'memory' is not supported here") == 1,
      "one warning names the limiter\n" + r.err)

done()
