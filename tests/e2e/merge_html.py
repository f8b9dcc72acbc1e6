# SPDX-License-Identifier: MIT
"""e2e: `pyntest merge --html` and the exact rerun commands, in headless
Chromium (docs/sharding.md, docs/cli.md).

Three shard reports (default and strict flavour, two workers each) merge
into one HTML page whose timeline has one lane per shard, labelled with
the shard and the report's host name; every test is a row once; the
chips' counts equal the merged JUnit report's; each test that started is
one bar, in its shard's lane, at its `pyntest.start_s`, the bars of a
lane in order of their start, with the id and times on hover.  Another
tool's report (no start times) is laid end to end and the page says so.
A missing shard writes neither report.  The page's rerun command of a
test whose id is a prefix of another's selects that test alone.
"""
import html.parser
import os
import re
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from pyn_e2e import (PYNTEST, check, done, env, need_tool, require_pyntest,
                     run, scaled, workdir)

require_pyntest()
CHROMIUM = os.environ.get("PYN_CHROMIUM") or need_tool("chromium", "chromium")
tmp = workdir()
manifest = os.path.join(tmp, "m.yaml")
with open(manifest, "w") as f:
    f.write("version: 1\nsuites:\n")
    for suite in ("alpha", "beta"):
        f.write("  - name: %s\n    library: libpyn_fx_basic\n    tests:\n"
                % suite)
        f.write("      - { name: test_a, function: fx_pass }\n"
                "      - { name: test_ab, function: fx_pass }\n")
        for i in range(8):
            fn = ("fx_fail_assert" if i % 4 == 3 else
                  "fx_skip" if i == 5 else "fx_pass")
            f.write("      - { name: t%02d, function: %s }\n" % (i, fn))
    f.write("  - name: gamma\n    library: libpyn_fx_basic\n    tests:\n"
            "      - { name: crash, function: fx_segv }\n"
            "      - { name: off, function: fx_pass, skip: not today }\n")


class Dom(html.parser.HTMLParser):
    """Elements (tag, attributes, own text) in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self._open = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        a["class"] = (a.get("class") or "").split()
        a["text"] = ""
        a["lane"] = next((x.get("data-lane") for t, x in reversed(self._open)
                          if "lane" in x["class"]), None)
        a["row"] = next((x.get("data-id") for t, x in reversed(self._open)
                         if t == "tr"), None)
        self.elements.append((tag, a))
        if tag not in ("br", "input", "meta", "link", "img", "hr"):
            self._open.append((tag, a))

    def handle_endtag(self, tag):
        for k in range(len(self._open) - 1, -1, -1):
            if self._open[k][0] == tag:
                del self._open[k:]
                break

    def handle_data(self, data):
        if self._open:
            self._open[-1][1]["text"] += data

    def select(self, tag=None, cls=None, attr=None):
        return [a for t, a in self.elements
                if (tag is None or t == tag)
                and (cls is None or cls in a["class"])
                and (attr is None or attr in a)]


user_dir = tempfile.mkdtemp(prefix="pyn-merge-html-", dir=tmp)


def dump(page):
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--user-data-dir=" + user_dir,
           "--dump-dom", "file://" + page]
    p = subprocess.run(cmd, capture_output=True, timeout=scaled(60))
    check(p.returncode == 0, "chromium renders %s" % os.path.basename(page))
    dom = Dom()
    dom.feed(p.stdout.decode("utf-8"))
    check(dom.select("body", attr="data-ready"),
          "%s: the page's script ran to its end" % os.path.basename(page))
    return dom


def junit(path):
    """Counts, and for each id: its start (or None) from the report."""
    root = ET.parse(path).getroot()
    # The strict flavour has no `skipped` on the root: the suites' sums.
    counts = {k: sum(int(s.get(k, "0")) for s in root.iter("testsuite"))
              for k in ("tests", "failures", "errors", "skipped")}
    check(all(counts[k] == int(root.get(k, counts[k])) for k in counts),
          "%s: the suites' counts add up to the root's" % path)
    starts = {}
    for s in root.iter("testsuite"):
        lines = {}
        out = s.find("system-out")
        for line in (out.text or "").splitlines() if out is not None else []:
            m = re.match(r"(\S+): .* start_s=([0-9.]+)", line)
            if m:
                lines[m.group(1)] = float(m.group(2))
        for c in s.findall("testcase"):
            tid = c.get("classname") + "." + c.get("name")
            p = [x.get("value") for x in c.iter("property")
                 if x.get("name") == "pyntest.start_s"]
            starts[tid] = float(p[0]) if p else lines.get(tid)
    return counts, starts


def chips(dom):
    return {a["data-outcome"]: int(a["data-count"])
            for a in dom.select("button", cls="chip")}


def check_page(flavor, page, merged, shards):
    dom = dump(page)
    counts, _ = junit(merged)
    c = chips(dom)
    check(c["all"] == counts["tests"] and c["fail"] == counts["failures"] and
          sum(c[k] for k in ("error", "wall_timeout", "cpu_timeout",
                             "memory_limit", "interrupted")) == counts["errors"]
          and c["skipped"] + c["not_run"] == counts["skipped"],
          "%s: the chips' counts are the merged JUnit's: %s vs %s"
          % (flavor, c, counts))
    rows = [a["data-id"] for a in dom.select("tr", attr="data-id")]
    _, every = junit(merged)
    check(sorted(rows) == sorted(every) and len(set(rows)) == len(rows),
          "%s: every test is a row once (%d rows, %d tests)"
          % (flavor, len(rows), len(every)))
    lanes = dom.select("div", cls="lane")
    labels = [a["data-lane"] for a in lanes]
    want = ["shard %d/%d" % (i, len(shards)) for i in range(1, len(shards) + 1)]
    check(labels == want, "%s: one lane per shard, in order: %s"
          % (flavor, labels))
    host = ET.parse(shards[0]).getroot().find("testsuite").get("hostname")
    names = [a["text"] for a in dom.select("div", cls="lane-label")]
    check(all(host in n for n in names),
          "%s: the lanes name the report's host %r: %r" % (flavor, host, names))
    bars = dom.select("div", cls="bar")
    ids = [b["data-id"] for b in bars]
    check(len(ids) == len(set(ids)), "%s: no test has two bars" % flavor)
    for i, path in enumerate(shards):
        lane = want[i]
        _, starts = junit(path)
        mine = [b for b in bars if b["lane"] == lane]
        ran = sorted(t for t, s in starts.items() if s is not None)
        check(sorted(b["data-id"] for b in mine) == ran and ran,
              "%s: %s has a bar for each of its %d started tests (%d bars)"
              % (flavor, lane, len(ran), len(mine)))
        got = [float(b["data-start"]) for b in mine]
        check(got == sorted(got), "%s: %s's bars are in order of start"
              % (flavor, lane))
        check(all(abs(float(b["data-start"]) - starts[b["data-id"]]) < 1e-6
                  for b in mine),
              "%s: %s's bars start at the report's start_s" % (flavor, lane))
        check(all(b["data-id"] in b.get("title", "") and "wall " in
                  b.get("title", "") for b in mine),
              "%s: %s's bars have the id and times on hover" % (flavor, lane))
    crash = [b for b in bars if b["data-id"] == "gamma.crash"]
    check(crash and "o-error" in crash[0]["class"],
          "%s: the crash's bar has the error colour" % flavor)
    return dom


def shards(flavor, n=3, only=None):
    paths = []
    for i in range(1, n + 1):
        p = os.path.join(tmp, "%s-%d.xml" % (flavor, i))
        if only and i not in only:
            continue
        r = run([manifest, "-q", "-j", "2", "--junit-flavor", flavor,
                 "--shard-by", "count", "--shard", "%d/%d" % (i, n)], report=p)
        check(r.code in (0, 1) and os.path.exists(p),
              "%s shard %d/%d written (exit %d)" % (flavor, i, n, r.code))
        paths.append(p)
    return paths


dom = None
for flavor in ("default", "strict"):
    parts = shards(flavor)
    merged = os.path.join(tmp, "merged-%s.xml" % flavor)
    page = os.path.join(tmp, "merged-%s.html" % flavor)
    r = run(["merge", "-o", merged, "--html", page] + parts[::-1])
    check(r.code == 0 and os.path.exists(page) and os.path.exists(merged),
          "%s: merge -o --html exits 0 and writes both (exit %d)\n%s"
          % (flavor, r.code, r.err))
    if os.path.exists(page):
        dom = check_page(flavor, page, merged, parts)

# The page's rerun command of alpha.test_a (a prefix of alpha.test_ab)
# selects that one test; -k alone would take both.
cmds = {a["row"]: a["text"] for a in (dom.select("code") if dom else [])
        if a["row"] and a["text"].startswith("pyntest ")}
cmd = cmds.get("alpha.test_a", "")
check(cmd.startswith("pyntest --exact -k alpha.test_a "),
      "the rerun command is exact: %r" % cmd)
argv = [PYNTEST] + [manifest if a == "MANIFEST" else a
                    for a in shlex.split(cmd)[1:]]
p = subprocess.run(argv + ["--list"], capture_output=True, text=True,
                   env=env(), timeout=scaled(60))
check(p.returncode == 0 and p.stdout.split() == ["alpha.test_a"],
      "the copied command selects alpha.test_a alone: %r" % p.stdout.split())
p = subprocess.run([a for a in argv if a != "--exact"] + ["--list"],
                   capture_output=True, text=True, env=env(),
                   timeout=scaled(60))
check(sorted(p.stdout.split()) == ["alpha.test_a", "alpha.test_ab"],
      "(without --exact it would take alpha.test_ab too: %r)"
      % p.stdout.split())
p = subprocess.run(argv, capture_output=True, text=True, env=env(),
                   timeout=scaled(60))
check(p.returncode == 0 and "1 passed" in p.stdout,
      "the copied command runs exactly one test (exit %d)\n%s"
      % (p.returncode, p.stdout[-300:]))

# Another tool's report: no start times, no shard; laid end to end.
foreign = os.path.join(tmp, "foreign.xml")
with open(foreign, "w") as f:
    f.write('<?xml version="1.0"?>\n<testsuites>\n'
            '<testsuite name="x" tests="3" failures="1" errors="0">\n'
            '<testcase classname="x" name="one" time="0.5"/>\n'
            '<testcase classname="x" name="two" time="1.25">'
            '<failure message="no">x.c:3: a == b</failure></testcase>\n'
            '<testcase classname="x" name="three" time="0.25"/>\n'
            '</testsuite>\n</testsuites>\n')
page = os.path.join(tmp, "foreign.html")
r = run(["merge", "--html", page, foreign])
check(r.code == 0 and os.path.exists(page) and r.out == "",
      "a foreign report merges into a page, nothing on stdout (exit %d)\n%s"
      % (r.code, r.err))
if os.path.exists(page):
    dom = dump(page)
    starts = {b["data-id"]: float(b["data-start"])
              for b in dom.select("div", cls="bar")}
    check(starts == {"x.one": 0.0, "x.two": 0.5, "x.three": 1.75},
          "its tests are laid end to end in report order: %s" % starts)
    note = [a["text"] for a in dom.select("small") if a.get("id") == "tl-note"]
    check(note and "laid end to end" in note[0],
          "the page says so: %r" % note)
    c = chips(dom)
    check(c["all"] == 3 and c["fail"] == 1 and c["pass"] == 2,
          "its counts: %s" % c)

# A missing shard: nothing written, the HTML report neither.
parts = shards("default", 3, only=(1, 3))
out, page = os.path.join(tmp, "none.xml"), os.path.join(tmp, "none.html")
r = run(["merge", "-o", out, "--html", page] + parts)
check(r.code == 1 and "shard 2/3 is missing" in r.err and
      not os.path.exists(out) and not os.path.exists(page),
      "a missing shard: exit 1, neither report written (exit %d)" % r.code)
r = run(["merge", "--html", parts[0], parts[0], parts[1]])
check(r.code == 4, "--html naming an input is a usage error (exit %d)" % r.code)
done()
