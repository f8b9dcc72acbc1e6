# SPDX-License-Identifier: MIT
"""e2e: --shard I/N and Bazel's sharding protocol.

The shards of a run are disjoint and together are the whole run; their
reports merge (junitparser merge) back into the full set with no
duplicates; TEST_TOTAL_SHARDS/TEST_SHARD_INDEX (0-based) pick the same
shard as --shard (1-based) and touch TEST_SHARD_STATUS_FILE; TEST_TMPDIR
becomes the tests' TMPDIR.
"""
import os
import subprocess

from pyn_e2e import (check, done, read_report, require_pyntest, run, suite,
                     workdir)

require_pyntest()
tmp = workdir()
manifest = suite("outcomes.yaml")

full = os.path.join(tmp, "full.xml")
r = run([manifest, "-j", "2"], report=full)
check(r.code == 0, "full run: exit 0 (got %d)" % r.code)
_, all_cases = read_report(full)
check(len(all_cases) >= 10, "full run has tests (%d)" % len(all_cases))

N = 3
parts = []
seen = {}
for i in range(1, N + 1):
    rep = os.path.join(tmp, "shard%d.xml" % i)
    r = run([manifest, "-j", "2", "--shard", "%d/%d" % (i, N)], report=rep)
    check(r.code in (0, 5), "shard %d/%d: exit 0 or 5 (got %d)" % (i, N, r.code))
    if os.path.exists(rep):
        parts.append(rep)
        _, cases = read_report(rep)
        for tid in cases:
            seen[tid] = seen.get(tid, 0) + 1
check(set(seen) == set(all_cases),
      "the shards together are the whole run\nmissing: %s\nextra: %s" %
      (sorted(set(all_cases) - set(seen)), sorted(set(seen) - set(all_cases))))
check(all(n == 1 for n in seen.values()),
      "no test is in two shards: %s" % sorted(t for t, n in seen.items() if n > 1))

# Merge with junitparser's own CLI: the merged report has every test once.
merged = os.path.join(tmp, "merged.xml")
p = subprocess.run(["/usr/bin/python3", "-m", "junitparser", "merge"] + parts +
                   [merged], capture_output=True, text=True)
if check(p.returncode == 0 and os.path.exists(merged),
         "junitparser merges the shard reports\n" + p.stderr):
    from junitparser import JUnitXml
    ids = []
    for s in JUnitXml.fromfile(merged):
        for c in s:
            ids.append("%s.%s" % (s.name, c.name))
    check(sorted(ids) == sorted(all_cases),
          "merged = full set, no duplicates (%d vs %d)" % (len(ids), len(all_cases)))

# Bazel: 0-based index, status file touched, same shard as --shard 2/3.
status = os.path.join(tmp, "shard-status")
rep = os.path.join(tmp, "bazel.xml")
r = run([manifest, "-j", "2"], extra_env={
    "TEST_TOTAL_SHARDS": str(N), "TEST_SHARD_INDEX": "1",
    "TEST_SHARD_STATUS_FILE": status, "XML_OUTPUT_FILE": rep})
check(os.path.exists(status), "TEST_SHARD_STATUS_FILE touched")
if check(os.path.exists(rep), "XML_OUTPUT_FILE written"):
    _, bazel = read_report(rep)
    _, second = read_report(os.path.join(tmp, "shard2.xml"))
    check(set(bazel) == set(second),
          "TEST_SHARD_INDEX=1 is --shard 2/3")

# GoogleTest's variables do the same.
rep = os.path.join(tmp, "gtest.xml")
r = run([manifest, "-j", "2"], report=rep, extra_env={
    "GTEST_TOTAL_SHARDS": str(N), "GTEST_SHARD_INDEX": "0"})
if check(os.path.exists(rep), "GTEST_* shard report written"):
    _, g = read_report(rep)
    _, first = read_report(os.path.join(tmp, "shard1.xml"))
    check(set(g) == set(first), "GTEST_SHARD_INDEX=0 is --shard 1/3")

# Bazel's TEST_TMPDIR becomes the tests' TMPDIR.
scratch = os.path.join(tmp, "scratch")
os.mkdir(scratch)
rep = os.path.join(tmp, "env.xml")
r = run([suite("env.yaml")], report=rep, extra_env={"TEST_TMPDIR": scratch})
if check(os.path.exists(rep), "env report written"):
    _, cases = read_report(rep)
    c = cases.get("env.fx_out_tmpdir")
    check(c is not None and ("TMPDIR=" + scratch) in (c.stdout or ""),
          "the test sees TMPDIR=$TEST_TMPDIR\n%s" % (c.stdout if c else None))

done()
