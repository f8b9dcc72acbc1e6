# SPDX-License-Identifier: MIT
"""e2e: the memory fixtures give memory_limit under a memory provider
(PYNTEST_PROVIDERS=memory=NAME forces it), with the peak in the report;
32 MiB under 64 MiB passes.  One part per provider: rlimit, cgroup1,
cgroup2.

rlimit needs a build without ASan (ASan cannot start under RLIMIT_AS);
cgroup1/cgroup2 need their memory controller: the part skips with the
reason when this machine or build cannot have it.
"""
import os

from pyn_e2e import (MEMORY_PROVIDERS, check, done, log,
                     memory_provider_or_skip, part, read_report, run, suite,
                     workdir)

prov = part(MEMORY_PROVIDERS)
memory_provider_or_skip(prov)
tmp = workdir()

rep = os.path.join(tmp, prov + ".xml")
r = run([suite("raw.yaml"), "-j", "1", "-k", "limits.mem_*"], report=rep,
        extra_env={"PYNTEST_PROVIDERS": "memory=" + prov})
check(r.code == 1, "%s: exit 1 (got %d)" % (prov, r.code))
if not check(os.path.exists(rep), "%s: report written" % prov):
    log(r.err[-2000:])
    done()
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
    # Its own 32 MiB, give or take the pages its process had at start
    # (subtracted) and gave back: not the server's, not the limit.
    check(30 << 20 <= peak < 64 << 20, "%s: mem_32mb peak is its own (%d)" % (prov, peak))
done()
