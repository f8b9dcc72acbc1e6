# SPDX-License-Identifier: MIT
"""e2e: `pyntest merge` - shard reports into one JUnit report.

The shards' reports merge into one report with every test once, counts
that add up to the shards' (and to a run of the whole suite), valid
against the project's schema of its flavour; an empty shard is still a
shard; a missing or repeated shard, or a test in two reports, is named
and nothing is written (exit 1); broken input is a usage error (exit 4).
"""
import os
import xml.etree.ElementTree as ET

from pyn_e2e import (STRICT_XSD, XSD, check, done, read_report,
                     require_pyntest, run, validate, workdir)

require_pyntest()
tmp = workdir()

manifest = os.path.join(tmp, "m.yaml")
with open(manifest, "w") as f:
    f.write("version: 1\nsuites:\n")
    for suite in ("alpha", "beta"):
        f.write("  - name: %s\n    library: libpyn_fx_basic\n    tests:\n" % suite)
        for i in range(12):
            fn = "fx_fail_assert" if i % 5 == 4 else (
                "fx_skip" if i % 7 == 6 else "fx_pass")
            f.write("      - { name: t%02d, function: %s }\n" % (i, fn))


def counts(path):
    root = ET.parse(path).getroot()
    return tuple(int(root.get(k, "0")) for k in ("tests", "failures", "errors", "skipped"))


def shard_reports(flavor, n, extra=(), prefix=None):
    paths = []
    for i in range(1, n + 1):
        p = os.path.join(tmp, "%s-%d.xml" % (prefix or flavor, i))
        r = run([manifest, "-q", "-j", "2", "--junit-flavor", flavor,
                 "--shard", "%d/%d" % (i, n)] + list(extra), report=p)
        check(r.code in (0, 1, 5) and os.path.exists(p),
              "%s shard %d/%d written (exit %d)" % (flavor, i, n, r.code))
        paths.append(p)
    return paths


full = os.path.join(tmp, "full.xml")
run([manifest, "-q", "-j", "2"], report=full)
_, every = read_report(full)
check(len(every) == 24, "the whole run has 24 tests (%d)" % len(every))

for flavor, xsd in (("default", XSD), ("strict", STRICT_XSD)):
    parts = shard_reports(flavor, 3)
    out = os.path.join(tmp, "merged-%s.xml" % flavor)
    r = run(["merge", "-o", out] + parts)
    check(r.code == 0, "%s: merge exits 0 (got %d)\n%s" % (flavor, r.code, r.err))
    if not check(os.path.exists(out), "%s: merged report written" % flavor):
        continue
    _, merged = read_report(out)
    check(sorted(merged) == sorted(every),
          "%s: every test once (%d vs %d)" % (flavor, len(merged), len(every)))
    want = [sum(c) for c in zip(*(counts(p) for p in parts))]
    got = counts(out)
    check(list(got[:3]) == want[:3],
          "%s: tests, failures, errors add up: %s vs %s" % (flavor, got, want))
    check(got[0] == 24 and got[1] == counts(full)[1],
          "%s: counts are the whole run's: %s vs %s" % (flavor, got, counts(full)))
    root = ET.parse(out).getroot()
    names = [s.get("name") for s in root.findall("testsuite")]
    check(names == ["alpha", "beta"], "%s: one <testsuite> a name: %s" % (flavor, names))
    ok, why = validate(out, xsd)
    check(ok, "%s: the merged report is valid against %s\n%s" % (flavor, xsd, why))
    # Into stdout, in any order of the reports: the same tests.
    r = run(["merge"] + parts[::-1])
    check(r.code == 0 and r.out.count("<testcase") == 24,
          "%s: merge to stdout, reports in any order" % flavor)

# A shard that selected no test is still a shard.
empty_parts = shard_reports("default", 2, ["-k", "alpha.t00"], "empty")
out = os.path.join(tmp, "with-empty.xml")
r = run(["merge", "-o", out] + empty_parts)
check(r.code == 0 and os.path.exists(out),
      "a shard with no test merges (exit %d)\n%s" % (r.code, r.err))

parts = [os.path.join(tmp, "default-%d.xml" % i) for i in (1, 2, 3)]
out = os.path.join(tmp, "bad.xml")
r = run(["merge", "-o", out, parts[0], parts[2]])
check(r.code == 1 and "shard 2/3 is missing" in r.err and not os.path.exists(out),
      "a missing shard: exit 1, named, nothing written (exit %d)\n%s" % (r.code, r.err))
r = run(["merge", "-o", out, parts[0], parts[1], parts[2], parts[1]])
check(r.code == 1 and "shard 2/3 is given twice" in r.err and "in two reports" in r.err
      and not os.path.exists(out),
      "a shard twice: exit 1, its tests named (exit %d)\n%s" % (r.code, r.err))
r = run(["merge", "-o", out, full, parts[0]])
check(r.code == 1 and "in two reports" in r.err and not os.path.exists(out),
      "a test in two reports: exit 1 (exit %d)\n%s" % (r.code, r.err))

broken = os.path.join(tmp, "broken.xml")
with open(broken, "w") as f:
    f.write('<testsuites><testsuite name="x"><testcase name="a"')
r = run(["merge", "-o", out, broken])
check(r.code == 4 and "broken.xml" in r.err, "broken XML: exit 4 naming it\n" + r.err)
r = run(["merge", "-o", out, os.path.join(tmp, "absent.xml")])
check(r.code == 4 and "absent.xml" in r.err, "a missing file: exit 4 naming it\n" + r.err)
r = run(["merge", "-o", parts[0], parts[0], parts[1], parts[2]])
check(r.code == 4 and "both" in r.err, "-o one of the inputs: refused\n" + r.err)
r = run(["merge"])
check(r.code == 4 and "no report" in r.err, "no report given: exit 4\n" + r.err)

done()
