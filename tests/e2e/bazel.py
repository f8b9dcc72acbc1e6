# SPDX-License-Identifier: MIT
"""e2e: the pyntest_test Bazel rule (cmake/bazel/pyntest.bzl), under a real
`bazel test` (Debian's bazel-bootstrap, offline).

A workspace loads the rule from the project's cmake/bazel folder (what is
installed as share/pyntest/bazel), and `bazel test` runs a manifest with
shard_count = 3: three shards, each writing its JUnit report to Bazel's
XML_OUTPUT_FILE; every test in exactly one shard; `pyntest merge` of the
three gives the whole suite with the right counts.  A target whose test
fails fails under Bazel; a shard that selects no test passes.

Offline, Bazel 4 cannot fetch its coverage tools, which every test rule
depends on; a local empty stand-in is given with --override_repository
(coverage is not used here).
"""
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

from pyn_e2e import (FIXTURES, PYNTEST, SRC, check, done, log, read_report,
                     require_pyntest, run, skip, workdir)

require_pyntest()
bazel = shutil.which("bazel")
if not bazel:
    skip("bazel is not installed (Debian: bazel-bootstrap)")

tmp = workdir()
ws = os.path.join(tmp, "ws")
os.makedirs(ws)
cov = os.path.join(tmp, "coverage_tools")
os.makedirs(cov)
open(os.path.join(cov, "WORKSPACE"), "w").close()
with open(os.path.join(cov, "coverage_report_generator"), "w") as f:
    f.write("#!/bin/sh\nexit 0\n")
os.chmod(os.path.join(cov, "coverage_report_generator"), 0o755)
with open(os.path.join(cov, "BUILD"), "w") as f:
    f.write('exports_files(["coverage_report_generator"])\n')

shutil.copy(os.path.join(FIXTURES, "libpyn_fx_basic.so"), ws)
with open(os.path.join(ws, "WORKSPACE"), "w") as f:
    f.write('local_repository(name = "pyntest", path = "%s")\n'
            % os.path.join(SRC, "cmake", "bazel"))
with open(os.path.join(ws, "suite.yaml"), "w") as f:
    f.write("version: 1\nsuites:\n  - name: bz\n    library: libpyn_fx_basic\n"
            "    tests:\n")
    for i in range(10):
        f.write("      - { name: t%d, function: fx_pass }\n" % i)
    f.write("      - { name: s0, function: fx_skip }\n")
with open(os.path.join(ws, "failing.yaml"), "w") as f:
    f.write("version: 1\nsuites:\n  - name: bf\n    library: libpyn_fx_basic\n"
            "    tests: [fx_pass, fx_fail_assert]\n")
with open(os.path.join(ws, "BUILD"), "w") as f:
    f.write('''load("@pyntest//:pyntest.bzl", "pyntest_test")
pyntest_test(name = "suite", manifest = "suite.yaml",
             libs = ["libpyn_fx_basic.so"], shard_count = 3,
             pyntest = "{p}", size = "small")
pyntest_test(name = "sparse", manifest = "suite.yaml",
             libs = ["libpyn_fx_basic.so"], shard_count = 15,
             pyntest = "{p}", size = "small")
pyntest_test(name = "failing", manifest = "failing.yaml",
             libs = ["libpyn_fx_basic.so"], pyntest = "{p}", size = "small")
'''.format(p=PYNTEST))

root = os.path.join(tmp, "bazel-root")


# One invocation (each costs a JVM start and an analysis): --keep_going,
# then each target's line of Bazel's summary.
argv = [bazel, "--batch", "--output_user_root=" + root, "test", "--keep_going",
        "--override_repository=remote_coverage_tools=" + cov,
        "--test_output=errors", "--noshow_progress",
        "//:suite", "//:sparse", "//:failing"]
p = subprocess.run(argv, cwd=ws, capture_output=True, text=True, timeout=900)
log("$ %s  (exit %d)" % (" ".join(argv), p.returncode))
out = p.stdout + p.stderr


def status(target):
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == target and len(f) > 1:
            return f[1]
    return None


check(p.returncode == 3, "bazel test: exit 3, tests failed (got %d)\n%s"
      % (p.returncode, out[-3000:]))
check(status("//:suite") == "PASSED", "//:suite (3 shards) passes: %s" % status("//:suite"))
check(status("//:sparse") == "PASSED",
      "//:sparse (15 shards of 11 tests: some empty) passes: %s" % status("//:sparse"))
check(status("//:failing") == "FAILED", "//:failing fails: %s" % status("//:failing"))

logs = os.path.join(ws, "bazel-testlogs", "suite")
reports = [os.path.join(logs, "shard_%d_of_3" % i, "test.xml") for i in (1, 2, 3)]
ids = []
for i, rep in enumerate(reports, 1):
    if not check(os.path.exists(rep), "shard %d/3 wrote XML_OUTPUT_FILE %s" % (i, rep)):
        continue
    with open(rep) as f:
        text = f.read()
    check(("pyntest.shard=%d/3" % i) in text, "shard %d/3's report says so" % i)
    _, cases = read_report(rep)
    ids += list(cases)
check(sorted(ids) == sorted(["bz.t%d" % i for i in range(10)] + ["bz.s0"]),
      "every test in exactly one shard: %s" % sorted(ids))

if all(os.path.exists(r) for r in reports):
    merged = os.path.join(tmp, "merged.xml")
    r = run(["merge", "-o", merged] + reports)
    check(r.code == 0, "pyntest merge of Bazel's shards: exit 0\n" + r.err)
    if os.path.exists(merged):
        root_el = ET.parse(merged).getroot()
        check((root_el.get("tests"), root_el.get("failures"), root_el.get("skipped"))
              == ("11", "0", "1"),
              "merged counts: 11 tests, 0 failures, 1 skipped: %s" % root_el.attrib)

rep = os.path.join(ws, "bazel-testlogs", "failing", "test.xml")
if check(os.path.exists(rep), "the failing target's report is written"):
    _, cases = read_report(rep)
    c = cases.get("bf.fx_fail_assert")
    check(c is not None and c.outcome == "fail", "its failing test is reported fail")

done()
