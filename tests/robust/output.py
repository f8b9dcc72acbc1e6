# SPDX-License-Identifier: MIT
"""robust: a test printing 1 GiB to stdout does not grow the runner's
memory nor stall it (issue 4 §3).

The runner's peak RSS comes from wait4()'s rusage of the pyntest process
(ru_maxrss also covers its reaped children: an upper bound).  It must
stay small, and within a few MB of a run of one trivial test; the output
is cut at output_limit with the marker; the next test still runs.
"""
import os
import subprocess
import time

from rb import manifest
from pyn_e2e import (PYNTEST, XSD, check, done, env, log, read_report, scaled,
                     validate, workdir)

tmp = workdir()


def measured(args):
    """Run pyntest ARGS; return (exit code, peak RSS in MB, seconds)."""
    t0 = time.monotonic()
    with open(os.path.join(tmp, "out.txt"), "wb") as out:
        p = subprocess.Popen([PYNTEST] + args, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.STDOUT, env=env())
        _, status, ru = os.wait4(p.pid, 0)
    secs = time.monotonic() - t0
    code = os.waitstatus_to_exitcode(status)
    log("$ pyntest %s  (exit %d, %.2f s, peak RSS %.1f MB)"
        % (" ".join(args), code, secs, ru.ru_maxrss / 1024.0))
    return code, ru.ru_maxrss / 1024.0, secs


base_rep = os.path.join(tmp, "base.xml")
code, base_mb, _ = measured(["-j", "1", "-k", "output.after", "-o", base_rep,
                             manifest("output.yaml")])
check(code == 0, "baseline: one trivial test passes (exit %d)" % code)

rep = os.path.join(tmp, "gib.xml")
code, gib_mb, secs = measured(["-j", "1", "-o", rep, manifest("output.yaml")])
check(code == 0, "1 GiB: exit 0 (got %d)" % code)
check(gib_mb < 48, "1 GiB: the runner's peak RSS stays small: %.1f MB < 48 MB" % gib_mb)
check(gib_mb < base_mb + 16,
      "1 GiB: peak RSS %.1f MB within 16 MB of one trivial test's %.1f MB" % (gib_mb, base_mb))
check(secs < scaled(60), "1 GiB: no stall, the run took %.1f s (< %.0f s)"
      % (secs, scaled(60)))
if check(os.path.exists(rep), "1 GiB: report written"):
    _, cases = read_report(rep)
    c = cases.get("output.stdout_1gb")
    if check(c is not None and c.outcome == "pass", "1 GiB: stdout_1gb passed"):
        check(len(c.stdout or "") <= (1 << 20) + 4096,
              "1 GiB: system-out cut to output_limit (%d chars kept)" % len(c.stdout or ""))
        check("[pyntest: output cut at 1.0 MiB of 1.0 GiB]" in (c.stdout or "")[-200:],
              "1 GiB: a visible cut marker ends system-out: %r" % (c.stdout or "")[-120:])
    c = cases.get("output.after")
    check(c is not None and c.outcome == "pass", "1 GiB: the next test still runs and passes")
    ok, out = validate(rep, XSD)
    check(ok, "1 GiB: report validates against pyntest-junit.xsd\n" + out[:800])
done()
