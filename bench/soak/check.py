# SPDX-License-Identifier: MIT
"""bench/soak/check.py - the soak's checks, one PASS/FAIL line each
(arguments from bench/soak.sh)."""
import os
import sys
import xml.etree.ElementTree as ET

(n, code, start, end, samples, work, cgroups, left, slack) = sys.argv[1:]
n, code, cgroups, left, slack = int(n), int(code), int(cgroups), int(left), int(slack)
secs = float(end) - float(start)
rows = []
with open(samples) as f:
    for line in f:
        parts = line.split()
        if len(parts) == 4:
            rows.append((float(parts[0]), int(parts[1]), int(parts[2]), int(parts[3])))
failed = 0


def kept_bytes(path):
    """Captured output and messages in the report: what the runner held."""
    total = 0
    try:
        for el in ET.parse(path).getroot().iter():
            if el.tag in ("system-out", "system-err", "failure", "error", "skipped"):
                total += len(el.text or "") + len(el.get("message") or "")
    except (OSError, ET.ParseError):
        pass
    return total


def result(ok, name, detail):
    global failed
    print("%-4s %-8s %s" % ("PASS" if ok else "FAIL", name, detail))
    if not ok:
        failed += 1


print("soak: %d tests in %.1f s (%.2f ms per test), pyntest exit %d, %d samples"
      % (n, secs, 1000 * secs / max(n, 1), code, len(rows)))
# Early: the first third of the samples after the first; late: the last third.
k = max(1, len(rows) // 3)
early, late = rows[1:1 + k] or rows[:1], rows[-k:]
if len(rows) < 4:
    result(False, "samples", "too few samples (%d): use more tests" % len(rows))
else:
    # A running test holds up to 6 fds (pidfd, timerfd, 2 pipes, page,
    # result): samples differ by what runs at that instant, a leak of one
    # fd per 1% of tests would add N/100.
    jobs = int(os.environ.get("SOAK_JOBS", "2"))
    fd_e, fd_l = max(r[1] for r in early), max(r[1] for r in late)
    result(fd_l <= fd_e + 6 * jobs, "fds",
           "runner fds: max %d early, %d late (min %d / %d; allowed: + 6 per job)"
           % (fd_e, fd_l, min(r[1] for r in early), min(r[1] for r in late)))
    # The runner keeps every finished result (output cut at output_limit,
    # messages) for the report it writes at the end: that much growth is
    # the report's, anything beyond it plus the slack is a leak.
    # Kept between the early and the late samples: the output and
    # messages of the tests that finished in between, plus a result
    # record per test (SOAK_RECORD_B, 512 bytes).
    kept = kept_bytes(os.path.join(work, "report", "soak.xml"))
    span = (late[len(late) // 2][0] - early[len(early) // 2][0]) / max(secs, 1e-9)
    allowed = slack + int(span * (kept + n * int(os.environ.get("SOAK_RECORD_B", "512"))) / 1024)
    rss_e = sorted(r[2] for r in early)[len(early) // 2]
    rss_l = sorted(r[2] for r in late)[len(late) // 2]
    result(rss_l - rss_e <= allowed, "rss",
           "runner RSS median: %d kB early, %d kB late (growth %+d kB = %.0f B per test "
           "in between; allowed %d kB: %d kB slack + the results it keeps for the report)"
           % (rss_e, rss_l, rss_l - rss_e, 1024.0 * (rss_l - rss_e) / max(1, span * n),
              allowed, slack))
    z = max(r[3] for r in late)
    result(z <= 2, "zombies", "zombie children of the runner late in the run: at most %d "
           "(a just-exited test before its wait4)" % z)
result(cgroups == 0, "cgroups", "%d pyntest-<pid>* cgroups left" % cgroups)


def lines(path):
    with open(path) as f:
        return set(f.read().split())


shm = lines(os.path.join(work, "shm.after")) - lines(os.path.join(work, "shm.before"))
tmp = lines(os.path.join(work, "tmp.after")) - lines(os.path.join(work, "tmp.before"))
rep_dir = os.listdir(os.path.join(work, "report"))
result(not shm and not tmp and rep_dir == ["soak.xml"], "tmp",
       "new in /dev/shm: %s; new pyntest* in /tmp: %s; beside the report: %s"
       % (sorted(shm) or "none", sorted(tmp) or "none", rep_dir))
result(left == 0, "procs", "%d processes of the soak library left" % left)

outcomes = {}
cases = 0
try:
    root = ET.parse(os.path.join(work, "report", "soak.xml")).getroot()
    for tc in root.iter("testcase"):
        cases += 1
        o = next((p.get("value") for p in tc.iter("property")
                  if p.get("name") == "pyntest.outcome"), "?")
        outcomes[o] = outcomes.get(o, 0) + 1
    leaks = sum(1 for p in root.iter("property")
                if p.get("name") == "pyntest.leftover_processes")
    ok = cases == n and code == 1
    result(ok, "report", "%d testcases (exit %d): %s; %d with leftover processes killed"
           % (cases, code, ", ".join("%s %d" % kv for kv in sorted(outcomes.items())), leaks))
except (OSError, ET.ParseError) as e:
    result(False, "report", "cannot read the report: %s" % e)
print("soak: %s" % ("PASS" if not failed else "FAIL (%d checks)" % failed))
sys.exit(1 if failed else 0)
