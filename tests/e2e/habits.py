# SPDX-License-Identifier: MIT
"""e2e: the habits of issue 21 that users bring from pytest, nextest and
ctest (docs/cli.md):

1. -k takes a substring of the id, or a glob on the whole id when it has
   glob characters; '!' excludes; a filter that selects nothing names the
   closest ids;
2. tests never started because of -x are not run, not failures;
3. one closing line whose numbers add up; -q still names what failed;
4. manifest order at -j 1; --last-failed and --failed-first.
"""
import os
import re

from pyn_e2e import check, done, read_report, require_pyntest, run, show, workdir

require_pyntest()
tmp = workdir()


def manifest(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write("version: 1\n" + text)
    return path


def listed(args):
    r = run(["--list"] + args)
    return r, r.out.split()


# ---- 1. -k -----------------------------------------------------------------
ids = manifest("ids.yaml",
               "suites:\n"
               "  - name: math\n    library: libpyn_fx_basic\n"
               "    tests: [fx_pass, {name: pass_twice, function: fx_pass},"
               " fx_fail_assert]\n"
               "  - name: io\n    library: libpyn_fx_basic\n"
               "    tests: [fx_pass, fx_skip]\n")
r, got = listed(["-k", "pass", ids])
check(got == ["math.fx_pass", "math.pass_twice", "io.fx_pass"],
      "-k pass: a substring of the id selects (got %r)" % got)
r, got = listed(["-k", "fx_pass", ids])
check(got == ["math.fx_pass", "io.fx_pass"],
      "-k fx_pass: the test's name in any suite (got %r)" % got)
r, got = listed(["-k", "math.*", ids])
check(got == ["math.fx_pass", "math.pass_twice", "math.fx_fail_assert"],
      "-k 'math.*': a glob on the whole id (got %r)" % got)
r, got = listed(["-k", "*pass", ids])
check(got == ["math.fx_pass", "io.fx_pass"],
      "-k '*pass': a glob must match the whole id (got %r)" % got)
r, got = listed(["-k", "pass", "-k", "!io.", ids])
check(got == ["math.fx_pass", "math.pass_twice"],
      "-k '!io.': '!' excludes by substring (got %r)" % got)
r, got = listed(["-k", r"\math.fx_pass", ids])
check(got == ["math.fx_pass"], "-k '\\math.fx_pass': an escape makes it exact (got %r)" % got)
r = run(["-k", "fx_psas", ids])
check(r.code == 5, "a filter selecting nothing: exit 5 (got %d)" % r.code)
check("pyntest: warning: filter 'fx_psas' selects no test; closest ids: "
      "math.fx_pass, io.fx_pass" in r.err,
      "the filter that selects nothing names the closest ids\n%r" % r.err)
r = run(["-k", "math.fx_pass", "-k", "qqqqqqqq", ids])
check(r.code == 0 and "filter 'qqqqqqqq' selects no test\n" in r.err,
      "a filter that selects nothing beside one that does is named, with "
      "no ids when none is close (exit %d)\n%r" % (r.code, r.err))
r = run(["--list", ids], extra_env={"TESTBRIDGE_TEST_ONLY": "math.fx_pass:io.*-io.fx_skip"})
check(r.out.split() == ["math.fx_pass", "io.fx_pass"],
      "TESTBRIDGE_TEST_ONLY keeps GoogleTest's meaning: names exact (got %r)"
      % r.out.split())

done()
