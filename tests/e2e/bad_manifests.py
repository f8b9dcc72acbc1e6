# SPDX-License-Identifier: MIT
"""e2e: every tests/suites/bad/NAME.yaml makes pyntest exit 4 before
running anything, with exactly the first line of NAME.expect as the first
line on stderr.

pyntest runs in tests/suites/bad with the bare file name, so the expected
lines read `NAME.yaml:LINE:COLUMN: error: MESSAGE`.
"""
import glob
import os

from pyn_e2e import BIN, SUITES, check, done, log, run, workdir

bad = os.path.join(SUITES, "bad")
cases = sorted(glob.glob(os.path.join(bad, "*.yaml")))
check(len(cases) >= 10, "bad-input fixtures in %s (%d)" % (bad, len(cases)))
tmp = workdir()
# Where tests/config.cmake builds the library these manifests load.
libdir = os.environ.get("PYN_BAD_LIB_DIR", os.path.join(BIN, "lib"))
extra = {"PYNTEST_LIBRARY_PATH": libdir}
n = 0
for path in cases:
    name = os.path.basename(path)
    exp_path = path[:-len(".yaml")] + ".expect"
    if not check(os.path.exists(exp_path), "%s has a .expect file" % name):
        continue
    with open(exp_path) as f:
        want = f.readline().rstrip("\n")
    rep = os.path.join(tmp, name + ".xml")
    r = run([name], report=rep, cwd=bad, extra_env=extra)
    first = r.err.splitlines()[0] if r.err else ""
    check(r.code == 4, "%s: exit 4 (got %d)" % (name, r.code))
    check(first == want, "%s: stderr starts with the expected line\n     want %r\n     got  %r"
          % (name, want, first))
    check(not os.path.exists(rep), "%s: nothing ran, no report" % name)
    n += 1
log("%d bad manifests checked" % n)
done()
