# SPDX-License-Identifier: MIT
"""e2e: pyntest's exit codes (SPEC §4): 0 all met, 1 some did not, 4 usage
or manifest error (nothing run), 5 no tests ran.  2 is in interrupt.py."""
import os

from pyn_e2e import check, done, run, show, suite, workdir

tmp = workdir()

r = run([suite("outcomes.yaml"), "-k", "basic.fx_pass", "-k", "basic.fx_exit0"])
check(r.code == 0, "0: every selected test passed (got %d)" % r.code)

r = run([suite("raw.yaml"), "-k", "basic.fx_fail_assert"])
check(r.code == 1, "1: a test failed (got %d)" % r.code)

r = run([suite("raw.yaml"), "-k", "basic.fx_segv"])
check(r.code == 1, "1: a test crashed (got %d)" % r.code)

r = run([suite("outcomes.yaml"), "-k", "no.such.test"])
check(r.code == 5, "5: the filter selects no test (got %d)" % r.code)

empty = os.path.join(tmp, "empty.yaml")
with open(empty, "w") as f:
    f.write("version: 1\nsuites: []\n")
r = run([empty])
check(r.code == 5, "5: a manifest with no tests (got %d)" % r.code)

bad = os.path.join(tmp, "typo.yaml")
with open(bad, "w") as f:
    f.write("version: 1\nsuites:\n  - name: s\n    library: libpyn_fx_basic\n"
            "    wal_time: 1s\n    tests: [fx_pass]\n")
rep = os.path.join(tmp, "typo.xml")
r = run([bad], report=rep)
check(r.code == 4, "4: unknown key (got %d)" % r.code)
check("%s:5:5: error: unknown key 'wal_time'; did you mean 'wall_time'?" % bad in r.err,
      "4: message FILE:5:5 with a suggestion (stderr %r)" % r.err[:300])
check(not os.path.exists(rep), "4: nothing ran, no report written")

r = run([os.path.join(tmp, "missing.yaml")])
check(r.code == 4, "4: manifest file missing (got %d)" % r.code)

r = run(["--no-such-option", suite("outcomes.yaml")])
check(r.code == 4, "4: unknown option (got %d)" % r.code)

r = run([])
check(r.code == 4, "4: no manifest given (got %d)" % r.code)

r = run(["--check", suite("outcomes.yaml")])
check(r.code == 0, "--check on a good manifest: 0 (got %d)" % r.code)

r = run(["--list", suite("outcomes.yaml")])
ids = r.out.split()
check(r.code == 0 and len(ids) == 23 and ids[0] == "basic.fx_pass"
      and "limits.mem_32mb" in ids,
      "--list prints the 23 ids in manifest order (got %d, %r)" % (r.code, ids[:3]))
if r.code != 0:
    show(r)

xo = os.path.join(tmp, "xml_output_file.xml")
r = run([suite("outcomes.yaml"), "-k", "basic.fx_pass"], extra_env={"XML_OUTPUT_FILE": xo})
check(r.code == 0 and os.path.exists(xo), "$XML_OUTPUT_FILE is the default report path")

r = run(["--version"])
check(r.code == 0 and "pyntest" in r.out and "0.1" in r.out,
      "--version prints pyntest's version (%r)" % r.out[:80])
r = run(["--help"])
check(r.code == 0 and "--junit-xml" in r.out, "--help lists the options")

done()
