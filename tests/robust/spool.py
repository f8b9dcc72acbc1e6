# SPDX-License-Identifier: MIT
"""robust: captured output is spooled to disk, not kept in the runner's
memory (issue 20 item 8, docs/guarantees.md "Output").

200 tests print 1 MiB each (100 pass, 100 fail, so the console's "last
lines" read it back too): the runner's peak RSS (wait4) stays far below
the 200 MiB it would need to hold the output (bound: 64 MiB; the runner
alone is about 12 MB), and the report still carries every test's output
whole.  A functional bound, not a timing: `bash bench/soak.sh output`
measures it at scale.
"""
import os
import subprocess
import time

import rb  # noqa: F401 (puts tests/e2e on the path)
from pyn_e2e import PYNTEST, SANITIZED, check, done, env, log, read_report, workdir

N = 200
BOUND_MB = 64
tmp = workdir()
man = os.path.join(tmp, "print.yaml")
with open(man, "w") as f:
    f.write("version: 1\nsuites:\n  - name: p\n    library: libpyn_rb_fx\n    tests:\n")
    for i in range(N):
        f.write("      - { name: t%03d, function: %s }\n"
                % (i, "rb_print_1mb" if i % 2 else "rb_print_1mb_fail"))
rep = os.path.join(tmp, "rep.xml")
extra = {}
if SANITIZED:
    # ASan keeps freed blocks in a 256 MiB quarantine: that is not the
    # runner holding output.
    extra["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                             ":quarantine_size_mb=8:thread_local_quarantine_size_kb=64")
argv = [PYNTEST, "-j", "2", "-o", rep, man]
log("$ " + " ".join(argv))
t0 = time.monotonic()
with open(os.path.join(tmp, "out.txt"), "wb") as fo, \
        open(os.path.join(tmp, "err.txt"), "wb") as fe:
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=fo, stderr=fe,
                         env=env(**extra))
    _, status, usage = os.wait4(p.pid, 0)
code = os.waitstatus_to_exitcode(status)
with open(os.path.join(tmp, "out.txt"), "rb") as f:
    out = f.read()
with open(os.path.join(tmp, "err.txt"), "rb") as f:
    err = f.read().decode("utf-8", "replace")
peak_mb = usage.ru_maxrss / 1024.0
log("     exit %d in %.1f s, runner peak RSS %.1f MB" % (code, time.monotonic() - t0, peak_mb))
check(code == 1, "exit 1: half the tests fail (got %d)\n%s" % (code, err[-400:]))
check(peak_mb < BOUND_MB, "runner peak RSS %.1f MB < %d MB for %d MiB of output"
      % (peak_mb, BOUND_MB, N))
if check(os.path.exists(rep), "report written"):
    _, cases = read_report(rep)
    check(len(cases) == N, "every test reported (%d)" % len(cases))
    whole = [k for k, c in cases.items()
             if c.el.findtext("system-out", "").count("\n") >= 16384 - 1]
    check(len(whole) == N, "every test's 1 MiB of output is in the report (%d)" % len(whole))
text = out.decode("utf-8", "replace")
check(text.count("stdout (last lines):") == N // 2,
      "the console shows the last lines of each failed test (%d)"
      % text.count("stdout (last lines):"))
os.unlink(rep)
done()
