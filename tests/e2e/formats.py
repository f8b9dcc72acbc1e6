# SPDX-License-Identifier: MIT
"""e2e: --format tap|tap13|json and --events PATH (docs/formats.md).

TAP: stdout is TAP and nothing else (the console report goes to stderr),
a plan, one line per test numbered in the order written (completion
order under -j 2), the directives of docs/formats.md, a YAML block after
each line; tests -x never started are `# SKIP not run`; an interrupt
ends with "Bail out!".  Exit codes are those of the console run.  Perl's
prove (a TAP 13 consumer) reads --format tap13 without a parse error.
JSON: every line one event with "version", run_start first, run_end last
with counts that add up and the exit status, one test_end per test;
--events PATH holds the same events.
"""
import json
import os
import shutil
import signal
import subprocess
import time

import yaml

from pyn_e2e import (PYNTEST, check, done, env, log, require_pyntest, run,
                     scaled, suite, workdir)

require_pyntest()
tmp = workdir()

MANIFEST = os.path.join(tmp, "m.yaml")
with open(MANIFEST, "w") as f:
    f.write("""version: 1
defaults:
  wall_time: 30s
suites:
  - name: basic
    library: libpyn_fx_basic
    tests:
      - fx_pass
      - fx_fail_assert
      - name: xfail
        function: fx_fail_assert
        expect: fail
      - name: xpass
        function: fx_pass
        expect: fail
      - fx_segv
      - fx_skip
      - name: manifest_skip
        function: fx_pass
        skip: "not on Tuesdays"
  - name: noisy
    library: libpyn_fx_output
    tests:
      - name: prints
        function: fx_out_lines
""")
IDS = ["basic.fx_pass", "basic.fx_fail_assert", "basic.xfail", "basic.xpass",
       "basic.fx_segv", "basic.fx_skip", "basic.manifest_skip", "noisy.prints"]
# id -> (ok, directive or None), docs/formats.md's mapping
WANT = {
    "basic.fx_pass": (True, None),
    "basic.fx_fail_assert": (False, None),
    "basic.xfail": (False, "TODO"),
    "basic.xpass": (False, None),  # an unmet expectation: a failure
    "basic.fx_segv": (False, None),
    "basic.fx_skip": (True, "SKIP"),
    "basic.manifest_skip": (True, "SKIP"),
    "noisy.prints": (True, None),
}


def parse_tap(text):
    """(version, plan, [(ok, number, id, directive, reason, yaml)], bail,
    problems): a strict reading of what docs/formats.md promises."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    problems = []
    version = plan = bail = None
    tests = []
    i = 0
    if lines and lines[0].startswith("TAP version "):
        version = lines[0][len("TAP version "):]
        i = 1
    else:
        problems.append("first line is not 'TAP version N': %r" % lines[:1])
    if i < len(lines) and lines[i].startswith("1.."):
        plan = int(lines[i][3:])
        i += 1
    else:
        problems.append("no plan after the version line")
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith("Bail out!"):
            bail = line
            continue
        ok = line.startswith("ok ")
        if not ok and not line.startswith("not ok "):
            problems.append("not a test line: %r" % line)
            continue
        rest = line[3 if ok else 7:]
        num, _, rest = rest.partition(" - ")
        directive = reason = None
        if " # " in rest:
            rest, _, d = rest.partition(" # ")
            directive, _, reason = d.partition(" ")
        block = None
        if i < len(lines) and lines[i] == "  ---":
            end = lines.index("  ...", i)
            block = yaml.safe_load("\n".join(l[2:] for l in lines[i + 1:end]))
            i = end + 1
        else:
            problems.append("no YAML block after %r" % line)
        tests.append((ok, int(num), rest, directive, reason, block))
    return version, plan, tests, bail, problems


# ---- TAP, -j 2 ----
console = run(["-j", "2", MANIFEST])
r = run(["--format", "tap", "-j", "2", MANIFEST])
version, plan, tests, bail, problems = parse_tap(r.out)
check(r.code == console.code == 1,
      "exit code unchanged by --format tap (%d, console %d)" % (r.code, console.code))
check(not problems, "stdout is pure TAP\n" + "\n".join(problems) + "\n" + r.out[-3000:])
check(version == "14", "TAP version 14 on the first line (%r)" % version)
check(plan == len(IDS), "plan 1..%d (%r)" % (len(IDS), plan))
check([t[1] for t in tests] == list(range(1, len(IDS) + 1)),
      "numbered 1..N in the order written: %r" % [t[1] for t in tests])
check(sorted(t[2] for t in tests) == sorted(IDS), "one line per test id")
for ok, num, tid, directive, reason, block in tests:
    want = WANT.get(tid)
    check(want == (ok, directive),
          "%s: %s%s (want %r)" % (tid, "ok" if ok else "not ok",
                                  " # " + directive if directive else "", want))
    check(isinstance(block, dict) and "outcome" in block,
          "%s: YAML block with an outcome (%r)" % (tid, block))
by_id = {t[2]: t for t in tests}
b = by_id.get("basic.fx_fail_assert", (None,) * 6)[5] or {}
check(b.get("outcome") == "fail" and "CU_ASSERT" in str(b.get("message")),
      "failure's YAML names outcome and message: %r" % b)
b = by_id.get("basic.xfail", (None,) * 6)[5] or {}
check(b.get("outcome") == "fail" and b.get("verdict") == "pass"
      and b.get("expected") == "fail", "expected failure's YAML: %r" % b)
check(by_id.get("basic.xfail", (None,) * 6)[4] == "expected fail",
      "TODO reason is the expectation")
check(by_id.get("basic.manifest_skip", (None,) * 6)[4] == "not on Tuesdays",
      "SKIP reason is the manifest's")
b = by_id.get("basic.fx_segv", (None,) * 6)[5] or {}
check(b.get("outcome") == "error" and b.get("signal") == 11,
      "crash's YAML has outcome error and signal 11: %r" % b)
check("passed" in r.err and "passed" not in r.out,
      "the console summary went to stderr")
check("hello from" not in r.out and "Slowest" not in r.out,
      "no console or test output on stdout")

r13 = run(["--format", "tap13", "-j", "1", MANIFEST])
check(r13.out.startswith("TAP version 13\n1..%d\n" % len(IDS)),
      "--format tap13 says TAP version 13")
check(r13.code == 1, "tap13: exit code 1 (%d)" % r13.code)

# ---- Perl's prove: a TAP 13 consumer ----
prove = shutil.which("prove")
if prove:
    wrapper = os.path.join(tmp, "run.sh")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\nexec '%s' --format tap13 -j 2 '%s' 2>/dev/null\n"
                % (PYNTEST, MANIFEST))
    os.chmod(wrapper, 0o755)
    p = subprocess.run([prove, "-v", wrapper], capture_output=True, text=True,
                       env=env(), timeout=scaled(120))
    log(p.stdout[-1500:])
    check("Parse errors" not in p.stdout, "prove parses --format tap13 cleanly")
    check("Failed tests:" in p.stdout and "Tests: %d Failed: 3" % len(IDS) in p.stdout,
          "prove counts %d tests, 3 failed" % len(IDS))
else:
    log("note: no prove (Debian perl): the TAP 13 consumer check is left out")

# ---- -x: tests never started ----
rx = run(["--format", "tap", "-x", "-j", "1", MANIFEST])
version, plan, tests, bail, problems = parse_tap(rx.out)
check(not problems and plan == len(tests) == len(IDS),
      "-x: every test has its line\n" + "\n".join(problems) + rx.out[-2000:])
not_run = [t for t in tests if t[3] == "SKIP" and (t[4] or "").startswith("not run")]
check(len(not_run) >= 1 and all(t[0] for t in not_run),
      "-x: the tests never started are 'ok ... # SKIP not run' (%d)" % len(not_run))
check(rx.code == 1, "-x: exit code 1 (%d)" % rx.code)

# ---- JSON events ----
events_path = os.path.join(tmp, "events.jsonl")
rj = run(["--format", "json", "--events", events_path, "-j", "2", MANIFEST])
check(rj.code == 1, "json: exit code 1 (%d)" % rj.code)
try:
    events = [json.loads(l) for l in rj.out.splitlines()]
except ValueError as e:
    events = []
    check(False, "every stdout line is JSON: %s\n%s" % (e, rj.out[-2000:]))
check(events and all(e.get("version") == 1 for e in events), "every event has version 1")
check(events and events[0]["event"] == "run_start" and events[0]["tests"] == len(IDS),
      "run_start first, with the number of tests")
check(events and events[-1]["event"] == "run_end", "run_end last")
ends = [e for e in events if e["event"] == "test_end"]
check(sorted(e["id"] for e in ends) == sorted(IDS), "one test_end per test")
starts = {e["id"]: i for i, e in enumerate(events) if e["event"] == "test_start"}
for i, e in enumerate(events):
    if e["event"] != "test_end":
        continue
    ran = e["outcome"] not in ("not_run",) and e["id"] != "basic.manifest_skip"
    if ran:
        check(starts.get(e["id"], len(events)) < i,
              "%s: test_start before test_end" % e["id"])
    for key in ("outcome", "verdict", "expected", "met", "duration_s", "message",
                "limit_hit", "peak_memory_bytes", "limits", "attempts", "flaky"):
        if key not in e:
            check(False, "%s: test_end has %s" % (e["id"], key))
e = next((e for e in ends if e["id"] == "basic.xfail"), {})
check(e.get("outcome") == "fail" and e.get("verdict") == "pass" and e.get("met") is True,
      "xfail: outcome fail, verdict pass, met: %r" % e)
e = next((e for e in ends if e["id"] == "noisy.prints"), {})
check(e.get("stdout") and e.get("stderr"), "test_end carries the test's output")
end = events[-1] if events else {}
check(end.get("exit_status") == rj.code and end.get("total") == len(IDS)
      and sum(end.get("counts", {}).values()) == len(IDS),
      "run_end: exit status and counts that add up: %r" % end)
try:
    with open(events_path) as f:
        file_events = [json.loads(l) for l in f]
except (OSError, ValueError) as ex:
    file_events = []
    check(False, "--events file readable as JSON lines: %s" % ex)
check([(x["event"], x.get("id")) for x in file_events]
      == [(x["event"], x.get("id")) for x in events],
      "--events PATH holds the same events as --format json")
bad = run(["--events", os.path.join(tmp, "no", "such", "dir", "e.jsonl"), MANIFEST])
check(bad.code == 4 and "events" in bad.err, "--events into a missing folder: exit 4 (%d)" % bad.code)
bad = run(["--format", "xml", MANIFEST])
check(bad.code == 4 and "--format" in bad.err, "--format xml: usage error, exit 4")

# ---- an interrupt: every test has a line, then Bail out! ----
ev2 = os.path.join(tmp, "sleepers.jsonl")
argv = [PYNTEST, "--format", "tap", "--events", ev2, "-j", "1", suite("sleepers.yaml")]
log("$ " + " ".join(argv))
p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE,
                     env=env(PYNTEST_CACHE_DIR=workdir("pyn-e2e-cache-")))
deadline = time.monotonic() + scaled(30)
started = False
while time.monotonic() < deadline and not started:
    time.sleep(0.05)
    try:
        with open(ev2) as f:
            started = any('"test_start"' in l and "sleepers.sleep_1" in l for l in f)
    except OSError:
        pass
check(started, "the events file shows sleep_1 started")
p.send_signal(signal.SIGINT)
out, err = p.communicate(timeout=scaled(60))
out = out.decode("utf-8", "replace")
version, plan, tests, bail, problems = parse_tap(out)
check(p.returncode == 2, "interrupted: exit 2 (%d)" % p.returncode)
check(not problems and plan == len(tests) == 5,
      "interrupted: a line for each of the 5 tests\n" + "\n".join(problems) + out[-2000:])
check(bail is not None and out.rstrip().endswith(bail), "interrupted: ends with Bail out!")
by_id = {t[2]: t for t in tests}
check(by_id.get("sleepers.quick", (None,))[0] is True, "the finished test is ok")
check(by_id.get("sleepers.sleep_1", (True,))[0] is False, "the running test is not ok")
check(by_id.get("after.fx_pass", (None,) * 6)[3] == "SKIP", "a test never started is SKIP")
with open(ev2) as f:
    last = json.loads(f.read().splitlines()[-1])
check(last.get("event") == "run_end" and last.get("interrupted") is True
      and last.get("exit_status") == 2, "events: run_end says interrupted, 2: %r" % last)
done()
