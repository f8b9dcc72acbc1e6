# SPDX-License-Identifier: MIT
"""robust: the terminal and the duration cache (issue 20 item 12).

1. A function found by `discover:` whose name carries ESC, CR and BEL is
   refused like such a manifest name (exit 4, named with \\xNN), so it
   never reaches --list or the console.
2. A FIFO in the duration cache's place: pyntest warns and runs (before,
   it hung before running anything, deaf to SIGINT).
3. The "last lines" of a failed test's output cap a line without newline
   (200,000 columns) at 200 columns.
4. Output cut at output_limit is cut on a whole UTF-8 character: the
   report shows no U+FFFD for a cut "é".
"""
import glob
import os
import subprocess

import rb  # noqa: F401 (puts tests/e2e on the path)
from pyn_e2e import check, done, read_report, run, workdir

tmp = workdir()


def manifest(name, body):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write("version: 1\nsuites:\n" + body)
    return path


# 1. discover: control characters.
m = manifest("ctl.yaml", "  - name: c\n    library: libpyn_rb_ctl_names\n"
             "    discover: \"ctl_*\"\n")
for args in (["--list", m], [m]):
    r = run(args)
    check(r.code == 4, "discover %s: exit 4 (got %d)" % (args[0], r.code))
    check("\x1b" not in r.out + r.err and "\r" not in r.out + r.err
          and "\a" not in r.out + r.err,
          "discover %s: no ESC, CR or BEL printed\n%r" % (args[0], (r.out + r.err)[-300:]))
    check("ctl.yaml:5:15: error: discover: the function 'ctl_\\x1b[2J\\x0dPASS forged\\x07'"
          in r.err, "discover %s: the name shown escaped at FILE:LINE:COL\n%r"
          % (args[0], r.err[-300:]))
m = manifest("ctl_ok.yaml", "  - name: c\n    library: libpyn_rb_ctl_names\n"
             "    tests: [ctl_ok]\n")
r = run([m])
check(r.code == 0, "the library's plain test runs (exit %d)" % r.code)

# 2. A FIFO as the duration cache.
cache = os.path.join(tmp, "cache")
os.mkdir(cache)
m = manifest("pass.yaml", "  - name: p\n    library: libpyn_rb_fx\n    tests: [rb_pass]\n")
r = run([m], extra_env={"PYNTEST_CACHE_DIR": cache})
files = glob.glob(os.path.join(cache, "*.durations"))
check(r.code == 0 and len(files) == 1, "a run writes its duration cache (%s)" % files)
if files:
    os.unlink(files[0])
    os.mkfifo(files[0])
    try:
        r = run([m], extra_env={"PYNTEST_CACHE_DIR": cache}, timeout=20)
        check(r.code == 0, "a FIFO as the cache: the run passes (exit %d)" % r.code)
        check("duration cache '%s' is not a regular file; ignored" % files[0] in r.err,
              "and warns about it\n%s" % r.err[-300:])
    except subprocess.TimeoutExpired:
        check(False, "a FIFO as the cache: pyntest hung")

# 3. and 4. Last lines and UTF-8 cuts.
m = manifest("out.yaml", "  - name: o\n    library: libpyn_rb_fx\n    tests:\n"
             "      - { name: long, function: rb_long_line_fail }\n"
             "      - { name: utf8, function: rb_utf8_fail, output_limit: 1000B }\n")
rep = os.path.join(tmp, "out.xml")
r = run([m], report=rep)
check(r.code == 1, "both fail (exit %d)" % r.code)
longest = max((len(x) for x in r.out.splitlines()), default=0)
check("zzzz" in r.out and longest <= 220,
      "the console's last lines cap a 200,000-column line (longest line %d)" % longest)
if check(os.path.exists(rep), "report written"):
    _, cases = read_report(rep)
    text = cases["o.utf8"].el.findtext("system-out", "") if "o.utf8" in cases else ""
    check(text.startswith("a\u00e9") and "\ufffd" not in text
          and "[pyntest: output cut at 999 B of 2.0 KiB]" in text,
          "output cut at 1000 B on a whole character (no U+FFFD)\n%r" % text[-120:])
done()
