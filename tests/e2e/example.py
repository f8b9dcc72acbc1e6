# SPDX-License-Identifier: MIT
"""e2e: the README's example (examples/suite.yaml) gives the outcomes the
README promises.

The manifest points at ../build/examples/libarith; this test runs a copy
whose library is the one of this build tree, so it works in every build.
"""
import os
import re

from pyn_e2e import BIN, SRC, check, done, read_report, run, show, workdir

tmp = workdir()
with open(os.path.join(SRC, "examples", "suite.yaml")) as f:
    text = f.read()
lib = os.path.join(BIN, "examples", "libarith")
check("../build/examples/libarith" in text, "suite.yaml names ../build/examples/libarith")
man = os.path.join(tmp, "suite.yaml")
with open(man, "w") as f:
    f.write(text.replace("../build/examples/libarith", lib))

rep = os.path.join(tmp, "example.xml")
r = run([man], report=rep)
check(r.code == 1, "the example exits 1: some tests fail on purpose (got %d)" % r.code)
if not check(os.path.exists(rep), "report written"):
    show(r)
_, cases = read_report(rep)
WANT = {
    "test_add": "pass", "test_div": "pass", "test_parse": "pass",
    "test_sub": "fail", "test_parse_null": "error",
    "test_factorial_negative": "wall_timeout", "test_spin": "cpu_timeout",
    "test_cache_grows": "memory_limit", "test_on_big_machine": "skipped",
    "spin_is_stopped": "cpu_timeout", "huge_table_is_refused": "memory_limit",
    "hang_is_stopped": "wall_timeout", "test_rejects_bad_input": "error",
    "test_exit_code": "fail",
}
got = {c.name: c.outcome for c in cases.values()}
check(got == WANT, "outcomes as the README says\n     want %s\n     got  %s" % (WANT, got))
verdicts = {c.name: c.verdict for c in cases.values()}
for name in ("spin_is_stopped", "huge_table_is_refused", "hang_is_stopped",
             "test_rejects_bad_input", "test_exit_code"):
    check(verdicts.get(name) == "pass", "%s met its expectation (got %s)"
          % (name, verdicts.get(name)))
out = r.out + r.err
m = re.search(r"(\d+) passed, (\d+) failed, (\d+) skipped, (\d+) expected failures$",
              out, re.M)
if check(m is not None, "summary line printed"):
    check(m.groups() == ("3", "5", "1", "5"),
          "summary: 3 passed, 5 failed, 1 skipped, 5 expected failures (got %s)"
          % (m.group(0),))
# The manifest shown in README.md is valid as it stands.
with open(os.path.join(SRC, "README.md")) as f:
    readme = f.read()
blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
# The first is the whole manifest example; later ones are fragments.
if check(len(blocks) >= 1, "README.md shows a manifest"):
    rm = os.path.join(tmp, "readme.yaml")
    with open(rm, "w") as f:
        f.write(blocks[0].replace("../build/examples/libarith", lib))
    r = run(["--check", rm])
    check(r.code == 0, "the README's manifest passes --check (got %d: %s)" % (r.code, r.err[:300]))
    r = run(["--list", rm])
    check(r.out.split() == ["arith.test_add", "arith.test_factorial_negative",
                            "arith.huge_table_is_refused", "arith.test_rejects_bad_input",
                            "arith.test_exit_code"],
          "the README's manifest lists its 5 tests (%r)" % r.out.split())
done()
