# SPDX-License-Identifier: MIT
"""tests/perf/scheduler.py - the scheduler's behaviour (issue 5 §2), through
the real CLI: -j N keeps N tests running and never more; with durations
from an earlier run the longest known test starts first; the report lists
tests in manifest order whatever order they finish in.

Start times, wall times and lanes come from the HTML report's data (the
same figures the timeline draws).  Checks are about order and overlap,
never about how fast anything is: bench/run.sh prints the figures.
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
import pyn_e2e as E  # noqa: E402

LIB = os.environ.get("PYN_PERF_LIB", "")
if not LIB or not os.path.exists(LIB):
    E.log("FAIL fixture library not built: PYN_PERF_LIB=%r" % LIB)
    sys.exit(1)


def manifest(d, name, tests):
    """Write a manifest of TESTS, (name, function) pairs, in that order."""
    path = os.path.join(d, name + ".yaml")
    with open(path, "w") as f:
        f.write("version: 1\nsuites:\n  - name: sched\n")
        f.write("    library: %s\n    wall_time: 20s\n    tests:\n" % LIB)
        for t, fn in tests:
            f.write("      - {name: %s, function: %s}\n" % (t, fn))
    return path


def html_tests(path):
    """The HTML report's per-test data, in the report's order."""
    with open(path) as f:
        s = f.read()
    m = re.search(r'<script type="application/json" id="pyntest-data">'
                  r'(.*?)</script>', s, re.S)
    if not m:
        return []
    return json.loads(m.group(1))["tests"]


def runs_of(tests):
    """name -> (start, end, slot) of each test's first attempt."""
    out = {}
    for t in tests:
        a = t["attempts"][0]
        out[t["id"].split(".", 1)[1]] = (a["start"], a["start"] + a["wall"],
                                         a["slot"])
    return out


def max_overlap(runs):
    """Most tests running at once (an end at the same instant as a start
    does not overlap it)."""
    best = 0
    for s, _, _ in runs.values():
        best = max(best, sum(1 for s2, e2, _ in runs.values()
                             if s2 <= s < e2 - 1e-6))
    return best


def junit_names(path):
    return [tc.get("name") for tc in ET.parse(path).iter("testcase")]


d = E.workdir("pyn-perf-")

# ---- -j N keeps N running, never more ---------------------------------------
six = [("m%d" % i, "nap_medium") for i in range(1, 7)]
m_six = manifest(d, "six", six)
for jobs in (2, 3):
    html = os.path.join(d, "six-j%d.html" % jobs)
    r = E.run(["-q", "-j", str(jobs), "--html", html, m_six],
              report=os.path.join(d, "six-j%d.xml" % jobs))
    E.check(r.code == 0, "-j %d: six sleeping tests pass\n%s" % (jobs, r.err))
    runs = runs_of(html_tests(html))
    E.check(len(runs) == 6, "-j %d: six tests in the HTML data" % jobs)
    ov = max_overlap(runs)
    E.check(ov == jobs, "-j %d: at most and at some point %d tests run at "
            "once (saw %d)\n%r" % (jobs, jobs, ov, runs))
    slots = sorted({v[2] for v in runs.values()})
    E.check(slots == list(range(jobs)),
            "-j %d: lanes 0..%d used, no other (saw %r)" % (jobs, jobs - 1,
                                                            slots))

# Without -j: one test per online CPU (six tests at most here).
want = min(6, os.sysconf("SC_NPROCESSORS_ONLN"))
html = os.path.join(d, "six-default.html")
r = E.run(["-q", "--html", html, m_six])
runs = runs_of(html_tests(html))
ov = max_overlap(runs)
E.check(r.code == 0 and ov == want, "no -j: %d tests at once, one per online "
        "CPU (saw %d)" % (want, ov))

# ---- longest known first; report order is manifest order ---------------------
order = [("s1", "nap_short"), ("s2", "nap_short"), ("long", "nap_long"),
         ("s3", "nap_short")]
names = [t for t, _ in order]
m_ord = manifest(d, "order", order)
cache = os.path.join(d, "cache")
os.mkdir(cache)
cenv = {"PYNTEST_CACHE_DIR": cache}

# First run: nothing known, so plan order.
html1 = os.path.join(d, "first.html")
r = E.run(["-q", "-j", "1", "--html", html1, m_ord],
          report=os.path.join(d, "first.xml"), extra_env=cenv)
E.check(r.code == 0, "first run passes\n%s" % r.err)
runs1 = runs_of(html_tests(html1))
started1 = sorted(runs1, key=lambda t: runs1[t][0])
E.check(started1 == names, "no durations known: tests start in manifest "
        "order (saw %r)" % started1)
cached = ""
for f in os.listdir(cache):
    with open(os.path.join(cache, f)) as fh:
        cached += fh.read()
E.check(re.search(r"^[0-9.]+ sched\.long$", cached, re.M) is not None,
        "the duration cache records sched.long\n%s" % cached)

# Second run: the long test is known to be the longest.
html2 = os.path.join(d, "second.html")
xml2 = os.path.join(d, "second.xml")
r = E.run(["-q", "-j", "2", "--html", html2, m_ord], report=xml2,
          extra_env=cenv)
E.check(r.code == 0, "second run passes\n%s" % r.err)
tests2 = html_tests(html2)
runs2 = runs_of(tests2)
started2 = sorted(runs2, key=lambda t: runs2[t][0])
E.check(started2[:1] == ["long"], "with durations known, the longest test "
        "starts first (saw %r)" % started2)
finished2 = sorted(runs2, key=lambda t: runs2[t][1])
E.check(finished2 != names, "the tests finished out of manifest order "
        "(so the next check means something): %r" % finished2)
E.check(junit_names(xml2) == names, "JUnit lists tests in manifest order "
        "(saw %r)" % junit_names(xml2))
E.check([t["id"] for t in tests2] == ["sched." + n for n in names],
        "the HTML data lists tests in manifest order")
r = E.run(["--list", m_ord], extra_env=cenv)
E.check(r.out.split() == ["sched." + n for n in names],
        "--list prints manifest order, durations or not\n%s" % r.out)

# A filtered run keeps the other tests' durations in the cache.
r = E.run(["-q", "-k", "sched.s1", m_ord], extra_env=cenv)
cached = "".join(open(os.path.join(cache, f)).read() for f in os.listdir(cache))
E.check(r.code == 0 and "sched.long" in cached,
        "a filtered run keeps the durations of tests it did not run")

E.done()
