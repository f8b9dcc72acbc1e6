# SPDX-License-Identifier: MIT
"""e2e: --exact (docs/cli.md) - -k patterns as whole ids, taken literally.

Without it `-k suite.test_a` is a substring and also selects
`suite.test_ab`; with it the pattern selects exactly the id, glob
characters are plain characters, '!' still excludes, and a pattern that
is only part of an id selects nothing (exit 5).  `--help` shows it.
"""
import os

from pyn_e2e import check, done, require_pyntest, run, workdir

require_pyntest()
tmp = workdir()
ids = os.path.join(tmp, "ids.yaml")
with open(ids, "w") as f:
    f.write("version: 1\nsuites:\n"
            "  - name: suite\n    library: libpyn_fx_basic\n    tests:\n"
            "      - { name: test_a, function: fx_pass }\n"
            "      - { name: test_ab, function: fx_pass }\n"
            "      - { name: xtest_a, function: fx_pass }\n"
            "  - name: other\n    library: libpyn_fx_basic\n    tests:\n"
            "      - { name: test_a, function: fx_pass }\n")


def listed(args):
    r = run(["--list"] + args + [ids])
    return r, r.out.split()


r, got = listed(["-k", "suite.test_a"])
check(got == ["suite.test_a", "suite.test_ab"],
      "without --exact, -k suite.test_a is a substring (got %r)" % got)
r, got = listed(["--exact", "-k", "suite.test_a"])
check(r.code == 0 and got == ["suite.test_a"],
      "--exact -k suite.test_a selects that id alone (got %r)" % got)
r, got = listed(["-k", "suite.test_a", "--exact"])
check(got == ["suite.test_a"], "--exact after -k works too (got %r)" % got)
r, got = listed(["--exact", "-k", "test_a"])
check(r.code == 5 and got == [],
      "--exact -k test_a: part of an id selects nothing, exit 5 "
      "(exit %d, got %r)" % (r.code, got))
check("filter 'test_a' selects no test" in r.err,
      "--exact: the warning shows the name as typed, not its escaped glob "
      "(%r)" % r.err.strip()[:200])
r, got = listed(["--exact", "-k", "suite.test_*"])
check("filter 'suite.test_*' selects no test" in r.err,
      "--exact: a '*' is shown as typed (%r)" % r.err.strip()[:200])
r, got = listed(["--exact", "-k", "suite.test_*"])
check(r.code == 5 and got == [],
      "--exact: '*' is a plain character (exit %d, got %r)" % (r.code, got))
r, got = listed(["--exact", "-k", "suite.test_ab", "-k", "other.test_a"])
check(got == ["suite.test_ab", "other.test_a"],
      "--exact with two patterns selects both ids (got %r)" % got)
r, got = listed(["--exact", "-k", "!suite.test_a"])
check(got == ["suite.test_ab", "suite.xtest_a", "other.test_a"],
      "--exact -k '!suite.test_a' excludes that id alone (got %r)" % got)
r = run(["--exact", "-k", "suite.test_a", "-q", ids])
check(r.code == 0 and "1 passed" in r.out,
      "--exact -k suite.test_a runs one test (exit %d)\n%s"
      % (r.code, r.out[-400:]))
r = run(["--help"])
check(r.code == 0 and "--exact" in r.out, "--help shows --exact")
done()
