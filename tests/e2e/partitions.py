# SPDX-License-Identifier: MIT
"""e2e: shards from the CI system's variables, and splits by count and time.

For each way of splitting (hash, count, time) the shards of a run are
disjoint and together are the whole selection, and every shard computes
the same split again; count gives sizes that differ by at most one; time
with known durations evens the shards' total time out.  GitLab, CircleCI,
Buildkite and Kubernetes variables pick the same shard as --shard, in the
documented precedence, and the chosen source is printed; --shard wins.
"""
import os
import random

from pyn_e2e import check, done, require_pyntest, run, workdir

require_pyntest()
tmp = workdir()

# 120 tests of one passing fixture, named so the hash split is uneven.
N_TESTS = 120
manifest = os.path.join(tmp, "many.yaml")
with open(manifest, "w") as f:
    f.write("version: 1\nsuites:\n  - name: many\n"
            "    library: libpyn_fx_basic\n    tests:\n")
    for i in range(N_TESTS):
        f.write("      - { name: t%03d, function: fx_pass }\n" % i)

# Skewed durations, as a JUnit report of an earlier run: a few long tests.
rng = random.Random(7)
dur = {}
for i in range(N_TESTS):
    x = rng.random()
    dur["many.t%03d" % i] = 5.0 if x < 0.04 else (0.5 if x < 0.2 else 0.01)
# t000..t004 have no duration: new tests.
for i in range(5):
    del dur["many.t%03d" % i]


def write_junit(path, order):
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n'
                '  <testsuite name="many" tests="%d">\n' % len(order))
        for tid in order:
            f.write('    <testcase classname="many" name="%s" time="%.3f"/>\n'
                    % (tid.split(".", 1)[1], dur[tid]))
        f.write("  </testsuite>\n</testsuites>\n")


junit = os.path.join(tmp, "last.xml")
write_junit(junit, sorted(dur))
shuffled = os.path.join(tmp, "shuffled.xml")
order = sorted(dur)
random.Random(3).shuffle(order)
write_junit(shuffled, order)


def listed(args, extra_env=None):
    r = run(["--list"] + args + [manifest], extra_env=extra_env)
    check(r.code in (0, 5), "%s: exit 0 or 5 (got %d)\n%s" % (args, r.code, r.err))
    return [line for line in r.out.splitlines() if line], r


every, _ = listed([])
check(len(every) == N_TESTS, "--list gives all %d tests (%d)" % (N_TESTS, len(every)))


def shards(kind, n, extra=()):
    got = []
    for i in range(1, n + 1):
        ids, r = listed(["--shard", "%d/%d" % (i, n), "--shard-by", kind] +
                        list(extra))
        check(("shard %d/%d" % (i, n)) in r.err and ("split by " + kind) in r.err,
              "%s %d/%d: the shard and split are printed\n%s" % (kind, i, n, r.err))
        got.append(ids)
    return got


def whole_and_disjoint(what, parts):
    seen = [t for p in parts for t in p]
    check(sorted(seen) == sorted(every),
          "%s: the shards together are the whole run, each test once "
          "(%d listed, %d distinct, %d in all)" % (what, len(seen), len(set(seen)),
                                                   len(every)))


def load(part):
    # Unknown tests weigh the median, as the split assumes; plus 1 ms each.
    known = sorted(dur.values())
    med = known[len(known) // 2]
    return sum(dur.get(t, med) + 0.001 for t in part)


for n in (2, 3, 4):
    h = shards("hash", n)
    whole_and_disjoint("hash %d" % n, h)
    c = shards("count", n)
    whole_and_disjoint("count %d" % n, c)
    sizes = [len(p) for p in c]
    check(max(sizes) - min(sizes) <= 1, "count %d: sizes differ by <= 1: %s" % (n, sizes))
    t = shards("time", n, ["--shard-durations", junit])
    whole_and_disjoint("time %d" % n, t)
    again = shards("time", n, ["--shard-durations", shuffled])
    check(again == t, "time %d: the same split whatever the report's order" % n)
    loads = [load(p) for p in t]
    ideal = sum(loads) / n
    hash_loads = [load(p) for p in h]
    check(max(loads) <= 1.10 * ideal,
          "time %d: slowest shard %.2f s within 10%% of ideal %.2f s (hash: %.2f s)"
          % (n, max(loads), ideal, max(hash_loads)))

# Time from this machine's duration cache: a full run fills it.
r = run([manifest, "-j", "2"])
check(r.code == 0, "full run to fill the cache: exit 0 (got %d)" % r.code)
t = shards("time", 3)
whole_and_disjoint("time 3 from the cache", t)
_, r = listed(["--shard", "1/3", "--shard-by", "time"])
check("cache" in r.err, "the cache is named as the durations' source\n" + r.err)

# A durations file that holds none is an error, named.
empty = os.path.join(tmp, "empty.xml")
with open(empty, "w") as f:
    f.write("<testsuites/>\n")
r = run(["--list", "--shard", "1/2", "--shard-durations", empty, manifest])
check(r.code == 4 and "empty.xml" in r.err and "no test durations" in r.err,
      "a durations file with none: exit 4 naming it (got %d)\n%s" % (r.code, r.err))
r = run(["--list", "--shard-by", "size", manifest])
check(r.code == 4 and "--shard-by" in r.err, "--shard-by size is refused\n" + r.err)

# ---- the CI systems' variables -----------------------------------------

ref = shards("hash", 3)
cases = [
    ("GitLab", {"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3"}, [], 1),
    ("CircleCI", {"CIRCLE_NODE_INDEX": "1", "CIRCLE_NODE_TOTAL": "3"}, [], 1),
    ("Buildkite", {"BUILDKITE_PARALLEL_JOB": "2",
                   "BUILDKITE_PARALLEL_JOB_COUNT": "3"}, [], 2),
    ("Kubernetes", {"JOB_COMPLETION_INDEX": "0"}, ["--shard-total", "3"], 0),
    ("Bazel", {"TEST_SHARD_INDEX": "0", "TEST_TOTAL_SHARDS": "3"}, [], 0),
    ("GoogleTest", {"GTEST_SHARD_INDEX": "2", "GTEST_TOTAL_SHARDS": "3"}, [], 2),
]
for system, env, extra, index in cases:
    ids, r = listed(extra, extra_env=env)
    check(ids == ref[index],
          "%s %s: the same tests as --shard %d/3" % (system, env, index + 1))
    check(("shard %d/3 (%s:" % (index + 1, system)) in r.err,
          "%s: the source is printed\n%s" % (system, r.err))

# Precedence: Bazel's inside a fanned-out GitLab job; --shard over both.
both = {"TEST_SHARD_INDEX": "0", "TEST_TOTAL_SHARDS": "3",
        "CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "3"}
ids, r = listed([], extra_env=both)
check(ids == ref[0] and "(Bazel:" in r.err, "Bazel's variables win over GitLab's\n" + r.err)
ids, r = listed(["--shard", "2/3"], extra_env=both)
check(ids == ref[1] and "(--shard)" in r.err, "--shard wins over the environment\n" + r.err)

# Not fanned out: GitLab's CI_NODE_TOTAL=1 alone, an Indexed Job without
# --shard-total.
ids, r = listed([], extra_env={"CI_NODE_TOTAL": "1"})
check(ids == every and "shard" not in r.err, "CI_NODE_TOTAL=1: no sharding\n" + r.err)
ids, r = listed([], extra_env={"JOB_COMPLETION_INDEX": "2"})
check(ids == every, "JOB_COMPLETION_INDEX without --shard-total: no sharding")

# Wrong values are usage errors naming the variables.
for env, extra, name in [
        ({"CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "3"}, [], "CI_NODE_INDEX=0"),
        ({"CIRCLE_NODE_INDEX": "3", "CIRCLE_NODE_TOTAL": "3"}, [], "CIRCLE_NODE_INDEX=3"),
        ({"BUILDKITE_PARALLEL_JOB_COUNT": "x"}, [], "BUILDKITE_PARALLEL_JOB"),
        ({}, ["--shard-total", "3"], "JOB_COMPLETION_INDEX")]:
    r = run(["--list"] + extra + [manifest], extra_env=env)
    check(r.code == 4 and name in r.err,
          "%s %s: exit 4 naming %s (got %d)\n%s" % (env, extra, name, r.code, r.err))

done()
