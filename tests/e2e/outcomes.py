# SPDX-License-Identifier: MIT
"""e2e: every fixture gives its exact outcome, message and measurements.

raw.yaml has no expectations: check the raw outcome of each fixture, its
JUnit element and type, the message shape, and the properties.
outcomes.yaml expects each of them: pyntest must exit 0 with all green.
mismatch.yaml expects the wrong thing: each test fails naming both.
"""
import os
import re

from pyn_e2e import (SANITIZED, check, done, fixture_line, matches,
                     read_report, run, scaled, show, suite, workdir)

tmp = workdir()
extra = {}
if SANITIZED:
    # ASan cannot run under RLIMIT_AS: use the cgroup provider if any.
    extra["PYNTEST_PROVIDERS"] = "memory=cgroup1"

# ---- raw outcomes ------------------------------------------------------
rep = os.path.join(tmp, "raw.xml")
r = run([suite("raw.yaml"), "-j", "1"], report=rep, extra_env=extra)
check(r.code == 1, "raw.yaml exits 1 (some tests fail), got %d" % r.code)
if not os.path.exists(rep):
    show(r)
    check(False, "report written to %s" % rep)
    done()
root, cases = read_report(rep)

EXPECT = {
    # id: (outcome, JUnit verdict, type or None, message regex)
    "basic.fx_pass": ("pass", "pass", None, None),
    "basic.fx_exit0": ("pass", "pass", None, None),
    "basic.fx_fail_assert": ("fail", "failure", "AssertionFailure",
                             r"basic\.c:%d" % fixture_line("basic.c", "fail_assert")),
    "basic.fx_fail_fatal": ("fail", "failure", "AssertionFailure",
                            r"basic\.c:%d" % fixture_line("basic.c", "fail_fatal")),
    "basic.fx_exit3": ("fail", "failure", None, r"\b3\b"),
    "basic.fx_segv": ("error", "error", "Signal", r"killed by signal SIGSEGV"),
    "basic.fx_abort": ("error", "error", "Signal", r"killed by signal SIGABRT"),
    "basic.fx_skip": ("skipped", "skipped", None, r"needs a machine with more cores"),
    "setup.fx_sees_setup": ("pass", "pass", None, None),
    "setup.fx_fails_after_setup": ("fail", "failure", "AssertionFailure", r"setup\.c:\d+"),
    "limits.sleep_forever": ("wall_timeout", "error", "WallTimeout",
                             r"exceeded wall time limit 0\.500 s \(killed at 0\.5\d\d s\)"),
    "limits.spin": ("cpu_timeout", "error", "CpuTimeout",
                    r"(?i)exceeded cpu time limit 1\.000 s"),
    "limits.mem_null_deref": ("memory_limit", "error", "MemoryLimit",
                              r"exceeded memory limit 64\.0 MiB"),
    "limits.mem_checked_abort": ("memory_limit", "error", "MemoryLimit",
                                 r"exceeded memory limit 64\.0 MiB"),
    "limits.mem_calloc": ("memory_limit", "error", "MemoryLimit",
                          r"exceeded memory limit 64\.0 MiB"),
    "limits.mem_32mb": ("pass", "pass", None, None),
    "output.fx_out_lines": ("pass", "pass", None, None),
    "output.fx_out_large": ("pass", "pass", None, None),
    "output.fx_out_binary": ("pass", "pass", None, None),
}

check(sorted(cases) == sorted(EXPECT),
      "report has exactly the %d tests of raw.yaml (got %s)" % (len(EXPECT), sorted(cases)))
for tid, (outcome, verdict, typ, msg) in EXPECT.items():
    c = cases.get(tid)
    if c is None:
        continue
    check(c.outcome == outcome, "%s: outcome %s (got %s)" % (tid, outcome, c.outcome))
    check(c.verdict == verdict, "%s: JUnit %s (got %s)" % (tid, verdict, c.verdict))
    if typ:
        check(c.type == typ, "%s: type=%s (got %s)" % (tid, typ, c.type))
    if msg:
        check(matches(msg, c.message), "%s: message /%s/ (got %r)" % (tid, msg, c.message))
    for p in ("pyntest.outcome", "pyntest.expected", "pyntest.wall_time_s",
              "pyntest.cpu_time_s", "pyntest.peak_memory_bytes"):
        check(p in c.props, "%s: property %s" % (tid, p))
    check(c.props.get("pyntest.expected") == "pass",
          "%s: pyntest.expected=pass (got %s)" % (tid, c.props.get("pyntest.expected")))
    check(re.fullmatch(r"[0-9]+\.[0-9]{3}", c.el.get("time", "")) is not None,
          "%s: time has 3 decimals (%s)" % (tid, c.el.get("time")))

# Wall timeout: killed close to the limit and reported as such.
c = cases.get("limits.sleep_forever")
if c:
    check(c.time < 0.5 + scaled(0.5),
          "sleep_forever: reported time %.3f near the 0.5 s limit" % c.time)
    check(c.props.get("pyntest.limit.wall_time_s") in ("0.500", "0.5"),
          "sleep_forever: pyntest.limit.wall_time_s=0.500 (got %s)"
          % c.props.get("pyntest.limit.wall_time_s"))
c = cases.get("limits.spin")
if c:
    cpu = float(c.props.get("pyntest.cpu_time_s", "nan"))
    check(0.95 <= cpu < 1.0 + scaled(0.5), "spin: cpu_time_s about 1 s (got %s)" % cpu)
for tid in ("limits.mem_null_deref", "limits.mem_checked_abort", "limits.mem_calloc",
            "limits.mem_32mb"):
    c = cases.get(tid)
    if c:
        check(c.props.get("pyntest.limit.memory_bytes") == str(64 << 20),
              "%s: pyntest.limit.memory_bytes=%d (got %s)"
              % (tid, 64 << 20, c.props.get("pyntest.limit.memory_bytes")))
c = cases.get("limits.mem_32mb")
if c:
    peak = int(c.props.get("pyntest.peak_memory_bytes", "-1"))
    check(32 << 20 <= peak < 64 << 20,
          "mem_32mb: peak is its own (>= 32 MiB, < 64 MiB), got %d" % peak)
c = cases.get("basic.fx_fail_assert")
if c:
    check("sum" in c.message + c.text and "3" in c.message + c.text,
          "fx_fail_assert: condition named (%r)" % c.message)

# Setup and teardown ran in the child, around the test.
for tid, seen in (("setup.fx_sees_setup", 7), ("setup.fx_fails_after_setup", 9)):
    c = cases.get(tid)
    if c:
        out = c.stdout or ""
        check("setup ran" in out and "teardown ran with %d" % seen in out,
              "%s: setup and teardown output captured (%r)" % (tid, out[:200]))

# Output capture.
c = cases.get("output.fx_out_lines")
if c:
    check("hello from stdout" in (c.stdout or ""), "out_lines: stdout captured")
    check("hello from stderr" in (c.stderr or ""), "out_lines: stderr captured")
c = cases.get("output.fx_out_large")
if c:
    n = len(c.stdout or "")
    check((1 << 20) - 4096 <= n <= (1 << 20) + 4096,
          "out_large: 4 MiB cut to about output_limit 1 MiB (kept %d)" % n)
    tail = (c.stdout or "")[-300:]
    check(re.search(r"output cut at 1\.0 MiB of 4\.0 MiB", tail) is not None,
          "out_large: a marker where it was cut, with the sizes\n     %r" % tail[-100:])
    # output_limit is one budget for stdout and stderr together (SPEC §1):
    # stdout used it up, so stderr's 11 bytes are cut, with a marker.
    check(re.search(r"output cut at 0 B of 11 B", c.stderr or "") is not None
          and "large done" not in (c.stderr or ""),
          "out_large: stderr cut too, one budget for both streams\n     %r"
          % (c.stderr or "")[-100:])
c = cases.get("output.fx_out_binary")
if c:
    check("binary start" in (c.stdout or "") and " end" in (c.stdout or ""),
          "out_binary: text around the bad bytes kept")

# Console: one line per non-pass and the summary line.
check(re.search(r"\b\d+ passed, \d+ failed, \d+ skipped\b", r.out + r.err) is not None,
      "console summary line 'N passed, N failed, N skipped'")

# ---- all expected --------------------------------------------------------
rep = os.path.join(tmp, "outcomes.xml")
r = run([suite("outcomes.yaml"), "-j", "1"], report=rep, extra_env=extra)
if not check(r.code == 0, "outcomes.yaml: every expectation met, exit 0 (got %d)" % r.code):
    show(r)
if os.path.exists(rep):
    root, cases = read_report(rep)
    check(len(cases) == 23, "outcomes.yaml: 23 testcases (got %d)" % len(cases))
    for tid, c in sorted(cases.items()):
        ok = c.verdict == "pass" or (c.verdict == "skipped" and c.outcome == "skipped")
        check(ok, "%s: expectation %s met (outcome %s, %s %s)"
              % (tid, c.props.get("pyntest.expected"), c.outcome, c.verdict, c.message))
    exp = {tid: c.props.get("pyntest.expected") for tid, c in cases.items()}
    for tid, want in (("basic.fx_exit3", "exit code 3"), ("basic.fx_segv", "signal SIGSEGV"),
                      ("limits.sleep_is_a_timeout", "timeout"),
                      ("limits.mem_calloc", "memory_limit")):
        check(exp.get(tid) == want, "%s: pyntest.expected=%r (got %r)" % (tid, want, exp.get(tid)))
else:
    check(False, "outcomes.yaml: report written")

# ---- mismatches ------------------------------------------------------------
rep = os.path.join(tmp, "mismatch.xml")
r = run([suite("mismatch.yaml"), "-j", "1"], report=rep)
check(r.code == 1, "mismatch.yaml exits 1 (got %d)" % r.code)
if os.path.exists(rep):
    root, cases = read_report(rep)
    WANT = {
        "mismatch.pass_expected_fail": ("fail", "pass"),
        "mismatch.segv_expected_abort": ("SIGABRT", "SIGSEGV"),
        "mismatch.exit3_expected_exit4": ("4", "3"),
        "mismatch.pass_expected_timeout": ("timeout", "pass"),
        "mismatch.abort_expected_memory": ("memory_limit", "SIGABRT"),
    }
    for tid, (want, got) in WANT.items():
        c = cases.get(tid)
        if not check(c is not None, "%s reported" % tid):
            continue
        check(c.verdict == "failure", "%s: a failure (got %s)" % (tid, c.verdict))
        m = c.message + " " + c.text
        check("expected" in m and want in m and got in m,
              "%s: message names expected %s and got %s (%r)" % (tid, want, got, c.message))
else:
    check(False, "mismatch.yaml: report written")

done()
