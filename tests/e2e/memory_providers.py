# SPDX-License-Identifier: MIT
"""e2e: the memory fixtures give memory_limit under every memory provider
this machine has (PYNTEST_PROVIDERS=memory=NAME forces one), with the
peak in the report; 32 MiB under 64 MiB passes under each.

rlimit needs a build without ASan (ASan cannot start under RLIMIT_AS);
cgroup1/cgroup2 need their memory controller: each is skipped with the
reason when this machine or build cannot have it.
"""
import os

from pyn_e2e import (check, done, log, memory_providers, read_report, run, skip,
                     suite, workdir)

tmp = workdir()


providers = memory_providers()
if not providers:
    skip("no memory provider can be tested here")

for prov in providers:
    rep = os.path.join(tmp, prov + ".xml")
    r = run([suite("raw.yaml"), "-j", "1", "-k", "limits.mem_*"], report=rep,
            extra_env={"PYNTEST_PROVIDERS": "memory=" + prov})
    check(r.code == 1, "%s: exit 1 (got %d)" % (prov, r.code))
    if not check(os.path.exists(rep), "%s: report written" % prov):
        log(r.err[-2000:])
        continue
    _, cases = read_report(rep)
    for tid in ("limits.mem_null_deref", "limits.mem_checked_abort", "limits.mem_calloc"):
        c = cases.get(tid)
        if not check(c is not None, "%s: %s reported" % (prov, tid)):
            continue
        check(c.outcome == "memory_limit", "%s: %s is memory_limit (got %s: %s)"
              % (prov, tid, c.outcome, c.message))
        check(c.type == "MemoryLimit", "%s: %s <error type=MemoryLimit>" % (prov, tid))
        peak = int(c.props.get("pyntest.peak_memory_bytes", "-1"))
        check(peak > 0, "%s: %s peak memory reported (%d)" % (prov, tid, peak))
        if prov.startswith("cgroup"):
            # The cgroup saw the pages touched up to its limit.
            check(peak >= 48 << 20, "%s: %s peak near the 64 MiB limit (%d)" % (prov, tid, peak))
        check("64.0 MiB" in c.message, "%s: %s message names the limit (%r)"
              % (prov, tid, c.message))
    c = cases.get("limits.mem_32mb")
    if check(c is not None, "%s: mem_32mb reported" % prov):
        check(c.outcome == "pass", "%s: 32 MiB under 64 MiB passes (got %s: %s)"
              % (prov, c.outcome, c.message))
        peak = int(c.props.get("pyntest.peak_memory_bytes", "-1"))
        check(32 << 20 <= peak < 64 << 20, "%s: mem_32mb peak is its own (%d)" % (prov, peak))
done()
