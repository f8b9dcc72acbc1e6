#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tests/html/check_html.py - the HTML report end to end.

Runs the real `pyntest --html` (and -o for the JUnit report) on
tests/html/html.yaml with two workers and one retry, then checks the page:
no network reference; the data block decodes and names every test; and in
headless Chromium (Debian's /usr/bin/chromium) the DOM after the scripts
ran shows the JUnit report's counts, one timeline bar per test that ran
with its outcome's class, test output as text (never markup), a working
filter (#filter=fail, #q=limits) whose counts follow it, sorting
(#sort=-wall, #sort=id), every test's output and a rerun command (that
selects exactly that test) in its row, collapsed, the LEAK warning of a
passing test, and a screenshot that is a real PNG.

Environment (tests/html.cmake): PYNTEST, PYNTEST_LIBRARY_PATH, PYN_HTML_OUT
(a folder for the page, the report and the screenshots).  Chromium is
in .ci/deps: without it the test fails.
"""
import html.parser
import json
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
from pyn_e2e import scaled  # noqa: E402

# PYN_CHROMIUM: another browser binary.
CHROMIUM = os.environ.get("PYN_CHROMIUM", "/usr/bin/chromium")
KINDS = ["pass", "fail", "error", "wall_timeout", "cpu_timeout",
         "memory_limit", "skipped", "interrupted", "flaky"]
ERROR_TYPES = {"WallTimeout": "wall_timeout", "CpuTimeout": "cpu_timeout",
               "MemoryLimit": "memory_limit", "Interrupted": "interrupted"}
failed = 0


def check(ok, what):
    global failed
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failed += 1
    return ok


def run_pyntest(out_dir):
    page = os.path.join(out_dir, "report.html")
    xml = os.path.join(out_dir, "report.xml")
    for p in (page, xml):
        if os.path.exists(p):
            os.unlink(p)
    cmd = [os.environ["PYNTEST"], "-j", "2", "--retries", "1", "-q",
           "--color", "never", "--html", page, "-o", xml,
           os.path.join(HERE, "html.yaml")]
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=scaled(90))
    sys.stdout.write(p.stdout.decode("utf-8", "replace"))
    sys.stdout.write(p.stderr.decode("utf-8", "replace"))
    check(p.returncode == 1, "pyntest exits 1 (some tests failed), got %d"
          % p.returncode)
    return page, xml


def unwritable(out_dir):
    """An --html path that cannot be written is a usage error found before
    any test runs: exit 4, a message naming the option, nothing written."""
    xml = os.path.join(out_dir, "alone.xml")
    if os.path.exists(xml):
        os.unlink(xml)
    bad = "/nonexistent-pyn-dir/report.html"
    p = subprocess.run([os.environ["PYNTEST"], "-q", "--color", "never",
                        "-k", "basic.fx_pass", "--html", bad, "-o", xml,
                        os.path.join(HERE, "html.yaml")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=scaled(60))
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode == 4, "unwritable --html: exit 4, got %d"
          % p.returncode)
    check("pyntest: error: option '--html': folder '/nonexistent-pyn-dir' "
          "does not exist" in err, "unwritable --html: the message names "
          "it (%r)" % err.strip())
    check(not os.path.exists(xml), "unwritable --html: nothing ran, no "
          "JUnit report")


def junit_outcomes(xml):
    """Test id -> outcome word, from the JUnit report alone."""
    root = ET.parse(xml).getroot()
    out = {}
    for suite in root.iter("testsuite"):
        for case in suite.iter("testcase"):
            tid = suite.get("name") + "." + case.get("name")
            if case.find("failure") is not None:
                kind = "fail"
            elif case.find("error") is not None:
                kind = ERROR_TYPES.get(case.find("error").get("type"),
                                       "error")
            elif case.find("skipped") is not None:
                kind = "skipped"
            elif case.find("flakyFailure") is not None or \
                    case.find("flakyError") is not None:
                kind = "flaky"
            else:
                kind = "pass"
            out[tid] = kind
    totals = {k: int(root.get(k)) for k in
              ("tests", "failures", "errors", "skipped")}
    return out, totals


VOID = {"meta", "link", "input", "br", "img", "hr", "source", "wbr"}


class Dom(html.parser.HTMLParser):
    """Every element's tag and attributes (a["text"]: its own text, not
    its children's), the title, the text of every <pre>, and for each
    element the data-id of the table row it is in (a["row"])."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.title = ""
        self.pre_text = []
        self._in = []
        self._open = []  # (tag, attrs) of open elements

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        a["class"] = (a.get("class") or "").split()
        a["text"] = ""
        rows = [x for t, x in self._open if t == "tr" and "data-id" in x]
        a["row"] = rows[-1]["data-id"] if rows else None
        self.elements.append((tag, a))
        if tag not in VOID:
            self._open.append((tag, a))
        if tag in ("title", "pre"):
            self._in.append(tag)
            if tag == "pre":
                self.pre_text.append("")

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()
        for k in range(len(self._open) - 1, -1, -1):
            if self._open[k][0] == tag:
                del self._open[k:]
                break

    def handle_data(self, data):
        if self._open:
            self._open[-1][1]["text"] += data
        if not self._in:
            return
        if self._in[-1] == "title":
            self.title += data
        else:
            self.pre_text[-1] += data

    def select(self, tag=None, cls=None, attr=None):
        return [a for t, a in self.elements
                if (tag is None or t == tag)
                and (cls is None or cls in a["class"])
                and (attr is None or attr in a)]


def chromium(args, user_dir):
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--user-data-dir=" + user_dir] + args
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=scaled(60))
    if p.returncode != 0:
        sys.stdout.write(p.stderr.decode("utf-8", "replace")[-2000:])
    check(p.returncode == 0, "chromium %s exits 0" % args[0])
    return p.stdout.decode("utf-8")


def dump(url, user_dir):
    dom = Dom()
    dom.feed(chromium(["--dump-dom", url], user_dir))
    return dom


def visible_rows(dom):
    return [a for a in dom.select("tr", attr="data-id") if "hidden" not in a]


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or \
            head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def by_id(data):
    return {t["id"]: t for t in data["tests"]}


def check_issue21(dom, data, junit):
    """Every test's output and a rerun command in its row, collapsed;
    warnings (LEAK) visible; the command reruns exactly that test."""
    tests = by_id(data)
    rows = [a["data-id"] for a in dom.select("tr", attr="data-id")]
    more = dom.select("details", cls="more")
    check(sorted(d["row"] for d in more) == sorted(rows),
          "every row has its collapsible details (%d of %d)"
          % (len(more), len(rows)))
    check(all("open" not in d for d in more), "the rows' details are collapsed")
    cmds = {a["row"]: a["text"] for a in dom.select("code")
            if a["row"] and a["text"].startswith("pyntest ")}
    check(sorted(cmds) == sorted(rows), "every row has a rerun command")
    buttons = [a for a in dom.select("button") if a["row"] and a["text"] == "copy"]
    check(len(buttons) == len(rows), "every command has a copy button")
    # The output of a passing test is in its row (it has no card).
    pres = [p for p in dom.select("pre") if p["row"] == "output.fx_out_lines"]
    check(junit.get("output.fx_out_lines") == "pass" and
          any("hello from stdout" in p["text"] for p in pres) and
          any("hello from stderr" in p["text"] for p in pres),
          "a passing test's stdout and stderr are in its row")
    leak = [a for a in dom.select("div", cls="warn")
            if a.get("data-warn") == "leak"]
    check(len(leak) == 2 and all("left 1 process" in a["text"] for a in leak),
          "html_leak's warning shows in its row and its card: %s"
          % [a["text"] for a in leak])
    badges = [a for a in dom.select("span", cls="leak")]
    check(len(badges) == 2 and badges[0]["row"] == "inject.html_leak",
          "a LEAK badge beside html_leak's pass (row and card)")
    check(tests["inject.html_leak"]["kind"] == "pass",
          "html_leak still counts as a pass")
    # The commands select exactly their test, and reruns it.
    for tid in ("basic.fx_pass", "inject.html_flaky", "output.fx_out_lines"):
        argv = shlex.split(cmds.get(tid, "pyntest"))
        argv[0] = os.environ["PYNTEST"]
        p = subprocess.run(argv + ["--list"], capture_output=True, text=True,
                           timeout=scaled(60))
        check(p.returncode == 0 and p.stdout.split() == [tid],
              "%r --list selects only %s (%r)" % (cmds.get(tid), tid,
                                                    p.stdout.split()))
    argv = shlex.split(cmds.get("basic.fx_pass", "pyntest"))
    argv[0] = os.environ["PYNTEST"]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=scaled(60))
    check(p.returncode == 0, "the rerun command of basic.fx_pass runs it: "
          "exit 0 (%d)" % p.returncode)


def check_filtered_counts(url, user_dir, data):
    """#q=limits: the chips and the failures' count follow the filter."""
    dom = dump(url + "#q=limits", user_dir)
    mine = [t for t in data["tests"] if "limits" in t["id"].lower()]
    chips = {a["data-outcome"]: int(a["data-count"])
             for a in dom.select("button", cls="chip")}
    want = {k: sum(1 for t in mine if t["kind"] == k) for k in chips}
    want["all"] = len(mine)
    check(chips == want, "#q=limits: the chips count the tests shown\n"
          "     got  %s\n     want %s" % (chips, want))
    note = dom.select("small", attr="data-visible")
    n_cards = sum(1 for t in mine if t["kind"] != "pass")
    check(note and int(note[0]["data-visible"]) == n_cards and
          note[0]["text"].startswith("%d of " % n_cards),
          "#q=limits: the failures' count says %d (%r)"
          % (n_cards, note[0]["text"] if note else None))


def check_sorting(url, user_dir, data):
    """#sort=KEY and #sort=-KEY order the rows; the header says so."""
    def wall(t):
        a = t["attempts"][t["primary"]] if t["primary"] is not None else None
        return a["wall"] if a and a["ran"] else -1
    for frag, key, desc in (("sort=-wall", wall, True),
                            ("sort=id", lambda t: t["id"], False)):
        dom = dump(url + "#" + frag, user_dir)
        got = [a["data-id"] for a in dom.select("tr", attr="data-id")]
        want = [t["id"] for t in sorted(
            data["tests"], key=lambda t: ((-key(t) if desc else key(t)), t["i"]))]
        check(got == want, "#%s orders the rows\n     got  %s\n     want %s"
              % (frag, got, want))
        th = [a for a in dom.select("th", attr="data-sort")
              if a["data-sort"] == frag.split("=")[1].lstrip("-")]
        check(th and th[0].get("aria-sort") == ("descending" if desc else "ascending"),
              "#%s: its column header says %s" % (frag, "descending" if desc else "ascending"))


def main():
    out_dir = os.environ.get("PYN_HTML_OUT") or tempfile.mkdtemp()
    os.makedirs(out_dir, exist_ok=True)
    unwritable(out_dir)
    page, xml = run_pyntest(out_dir)
    if not check(os.path.exists(page) and os.path.exists(xml),
                 "both reports written"):
        return 1
    text = open(page, "rb").read()
    check(re.search(rb"https?://", text) is None,
          "no http:// or https:// anywhere in the page")
    check(re.search(rb"""(src|href)\s*=\s*["']?(?!data:)[a-z]*:?//""", text)
          is None, "no src/href to another place")
    check(b"default-src 'none'" in text, "a CSP that forbids fetching")
    check(text.count(b"<script") == 2 and text.count(b"</script") == 2,
          "only the page's own two <script> elements")
    check(b"<img" not in text, "no <img> from test output")
    try:
        text.decode("utf-8")
        check(True, "the page is valid UTF-8")
    except UnicodeDecodeError as e:
        check(False, "the page is valid UTF-8 (%s)" % e)

    s = text.decode("utf-8", "replace")
    start = s.index('id="pyntest-data">') + len('id="pyntest-data">')
    data = json.loads(s[start:s.index("</script>", start)])
    junit, totals = junit_outcomes(xml)
    mine = {t["id"]: t["kind"] for t in data["tests"]}
    check(mine == junit, "every test's outcome in the data = JUnit's\n"
          "     data:  %s\n     junit: %s" % (sorted(mine.items()),
                                              sorted(junit.items())))
    expect = {"basic.fx_pass": "pass", "basic.fx_fail_assert": "fail",
              "basic.expected_fail": "pass", "basic.fx_segv": "error",
              "basic.fx_skip": "skipped", "basic.never_run": "skipped",
              "limits.sleep_forever": "wall_timeout",
              "limits.spin": "cpu_timeout", "limits.mem_calloc":
              "memory_limit", "inject.html_flaky": "flaky",
              "inject.html_inject": "fail"}
    for tid, kind in expect.items():
        check(mine.get(tid) == kind, "%s is %s (got %s)"
              % (tid, kind, mine.get(tid)))
    inj = [t for t in data["tests"] if t["id"] == "inject.html_inject"][0]
    out = inj["attempts"][0]["out"]
    check("</script><script>document.title='pwned';</script>" in out,
          "the markup the test printed decodes back as text")
    err = inj["attempts"][0]["err"]
    check("nul:\ufffd ff:\ufffd c3-28:\ufffd( esc:\ufffd[31m" in err,
          "NUL, invalid UTF-8 and ESC became U+FFFD")
    check("ls:\u2028 ps:\u2029" in err, "U+2028/2029 decode back")
    ran = [t for t in data["tests"]
           if t["primary"] is not None and t["attempts"][t["primary"]]["ran"]]
    lanes = {a["slot"] for t in data["tests"] for a in t["attempts"]
             if a["ran"]}
    print("     %d tests ran, on lanes %s" % (len(ran), sorted(lanes)))
    spans = [(a["slot"], a["start"], a["wall"]) for t in data["tests"]
             for a in t["attempts"] if a["ran"]]
    check(any(start > 0 for _, start, _ in spans),
          "the report has the tests' start times")
    check(lanes == {0, 1}, "-j 2: the tests ran on lanes 0 and 1")
    overlap = []
    for lane in lanes:
        mine_ = sorted((s_, w) for l, s_, w in spans if l == lane)
        for (s0, w0), (s1, _) in zip(mine_, mine_[1:]):
            if s1 < s0 + w0 - 0.02:
                overlap.append((lane, s0, w0, s1))
    check(not overlap, "no two tests overlap on one lane %s" % overlap)
    check(max(s_ + w for _, s_, w in spans) <= data["duration"] + 0.05,
          "every bar ends within the run's duration")

    if not check(os.path.exists(CHROMIUM),
                 "%s is installed (apt-get install chromium; .ci/deps "
                 "installs it)" % CHROMIUM):
        return 1

    user_dir = tempfile.mkdtemp(prefix="pyn-html-chromium-")
    try:
        url = "file://" + os.path.abspath(page)
        dom = dump(url, user_dir)
        check(dom.select("body", attr="data-ready") != [],
              "the script ran to its end (body data-ready)")
        check("pwned" not in dom.title and dom.title.startswith("pyntest"),
              "the title is the page's (%r)" % dom.title)
        check(dom.select("img") == [], "no <img> in the DOM")
        check(len(dom.select("script")) == 2, "two <script> in the DOM")
        chips = {a["data-outcome"]: int(a["data-count"])
                 for a in dom.select("button", cls="chip")}
        shown = {k: chips.get(k) for k in KINDS}
        print("     chips: %s" % shown)
        errors = sum(chips.get(k, 0) for k in
                     ("error", "wall_timeout", "cpu_timeout",
                      "memory_limit", "interrupted"))
        check(chips.get("all") == totals["tests"],
              "total shown = JUnit tests (%s)" % totals["tests"])
        check(chips.get("fail") == totals["failures"],
              "fail shown = JUnit failures (%s)" % totals["failures"])
        check(errors == totals["errors"],
              "error kinds shown = JUnit errors (%s)" % totals["errors"])
        check(chips.get("skipped") == totals["skipped"],
              "skipped shown = JUnit skipped (%s)" % totals["skipped"])
        check(chips.get("flaky") == list(junit.values()).count("flaky"),
              "flaky shown = JUnit flaky testcases")
        check(sum(chips.get(k, 0) for k in KINDS) == totals["tests"],
              "the outcome counts add up to the total")
        rows = dom.select("tr", attr="data-id")
        check(len(rows) == len(junit), "one table row per test")
        check({r["data-id"]: r["data-outcome"] for r in rows} == junit,
              "every row's outcome = JUnit's")
        bars = [b for b in dom.select("div", cls="bar")
                if "retry" not in b["class"]]
        check(len(bars) == len(ran), "one timeline bar per test that ran "
              "(%d bars, %d ran)" % (len(bars), len(ran)))
        check(all("o-" + junit[b["data-id"]] in b["class"] for b in bars),
              "every bar has its test's outcome class")
        check(len({b["data-id"] for b in bars}) == len(bars),
              "no test has two primary bars")
        retries = [b for b in dom.select("div", cls="bar")
                   if "retry" in b["class"]]
        check(len(retries) >= 1, "retried attempts are drawn too (%d)"
              % len(retries))
        check(all(b["data-id"] in b.get("title", "") and "wall " in
                  b.get("title", "") for b in bars),
              "every bar's tooltip names its test and its times")
        words = {"wall_timeout": "wall timeout", "cpu_timeout": "CPU timeout",
                 "memory_limit": "memory limit"}
        check(all(words.get(junit[b["data-id"]], junit[b["data-id"]]) in
                  b.get("title", "") for b in bars),
              "every bar's tooltip names its outcome")
        lane_els = dom.select("div", cls="lane")
        check(len(lane_els) == len(lanes), "one lane per worker slot used")
        check(any("</script><script>document.title='pwned';</script>" in t
                  for t in dom.pre_text),
              "the test's markup is shown as text in the output")
        cards = dom.select("div", cls="card")
        warned = [t["id"] for t in data["tests"] if t["kind"] == "pass" and
                  any(a["leftover"] or a["cut"] or a["more"]
                      for a in t["attempts"])]
        check(warned == ["inject.html_leak"],
              "the passing test with warnings is html_leak (%s)" % warned)
        check(len(cards) == len(junit) - list(junit.values()).count("pass")
              + len(warned), "a card per test that did not simply pass, "
              "and per pass with a warning (%d)" % len(cards))
        check_issue21(dom, data, junit)
        check(len(visible_rows(dom)) == len(junit), "unfiltered: every row"
              " visible")

        dom = dump(url + "#filter=fail", user_dir)
        vis = visible_rows(dom)
        n_fail = list(junit.values()).count("fail")
        check(len(vis) == n_fail and all(r["data-outcome"] == "fail"
                                         for r in vis),
              "#filter=fail: %d visible rows, all fail (want %d)"
              % (len(vis), n_fail))
        on = [b for b in dom.select("div", cls="bar")
              if "off" not in b["class"] and "retry" not in b["class"]]
        check(all(b["data-outcome"] == "fail" for b in on) and
              len(on) == len([t for t in ran if t["kind"] == "fail"]),
              "#filter=fail: only fail bars stay lit")
        chip = [a for a in dom.select("button", cls="chip")
                if a["data-outcome"] == "fail"]
        check(chip and chip[0].get("aria-pressed") == "true",
              "#filter=fail: the fail chip is pressed")

        dom = dump(url + "#filter=fail,wall_timeout&q=LIMITS", user_dir)
        vis = visible_rows(dom)
        check([r["data-id"] for r in vis] == ["limits.sleep_forever"],
              "#filter=fail,wall_timeout&q=LIMITS: only "
              "limits.sleep_forever (got %s)" % [r["data-id"] for r in vis])
        check_filtered_counts(url, user_dir, data)
        check_sorting(url, user_dir, data)

        shot = os.path.join(out_dir, "report.png")
        if os.path.exists(shot):
            os.unlink(shot)
        chromium(["--screenshot=" + shot, "--window-size=1400,1000",
                  "--hide-scrollbars", url], user_dir)
        size = png_size(shot) if os.path.exists(shot) else None
        check(size == (1400, 1000) and os.path.getsize(shot) > 20000,
              "screenshot %s is a 1400x1000 PNG with content (%s, %d bytes)"
              % (shot, size, os.path.getsize(shot) if size else 0))
    finally:
        shutil.rmtree(user_dir, ignore_errors=True)
    print("%d check(s) failed" % failed if failed else "all checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
