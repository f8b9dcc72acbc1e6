# SPDX-License-Identifier: MIT
"""e2e: a manifest with many independent mistakes has each one reported,
FILE:LINE:COL in manifest order, by a run and by --check alike (exit 4,
nothing run); past 20 the rest are counted, not shown.  Mistakes the plan
finds (functions, libraries, plug-ins, limiters) are reported together
too, once the manifest itself is valid.  A YAML syntax error is one.
"""
import os
import re
import shutil

from pyn_e2e import FIXTURES, check, done, log, run, workdir

tmp = workdir()
shutil.copy(os.path.join(FIXTURES, "libpyn_fx_basic.so"), tmp)
LIB = "./libpyn_fx_basic.so"


def write(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return name


def errors(r):
    return [l for l in r.err.splitlines() if ": error: " in l]


def expect_lines(name, want, args=()):
    """Both a run and --check list exactly `want`, in order."""
    for mode in (["--check"], []):
        rep = os.path.join(tmp, name + ".xml")
        r = run(list(mode) + list(args) + [name], report=rep, cwd=tmp)
        what = "%s %s" % (name, " ".join(mode) or "(run)")
        check(r.code == 4, "%s: exit 4 (got %d)" % (what, r.code))
        got = errors(r)
        places = [l.split(": error: ")[0] for l in got]
        check(places == ["%s:%s" % (name, w[0]) for w in want],
              "%s: every error at its place, in order\n     want %r\n     got  %r"
              % (what, [w[0] for w in want], places))
        for (place, text), line in zip(want, got):
            check(text in line, "%s: %s says %r (%r)" % (what, place, text, line))
        check(not os.path.exists(rep), "%s: nothing ran, no report" % what)
    return got


# ---- the manifest's own mistakes, in five suites and the defaults ----
expect_lines(write("manifest.yaml", """\
version: 1
defaults:
  wall_tme: 5s
suites:
  - name: one
    library: %(lib)s
    tests: [fx_pass]
    memroy: 1GB
  - name: two
    library: %(lib)s
    wall_time: 5 parsecs
    tests:
      - name: t1
        retries: many
      - t1
  - name: three
    tests: [x]
  - name: one
    library: %(lib)s
    tests: [fx_pass]
    isolation: bogus
  - name: five
    library: %(lib)s
    tests: [fx_pass]
    expect: pased
""" % {"lib": LIB}), [
    ("3:3", "unknown key 'wall_tme'; did you mean 'wall_time'?"),
    ("8:5", "unknown key 'memroy'; did you mean 'memory'?"),
    ("11:16", "bad time unit 'parsecs'"),
    ("14:18", "'retries' must be a whole number"),
    ("15:9", "duplicate test id 'two.t1'"),
    ("16:5", "suite 'three' needs 'library' or 'program'"),
    ("18:11", "duplicate suite name 'one'"),
    ("21:16", "bad isolation 'bogus'"),
    ("25:13", "'pased'"),
])

# ---- what the plan finds, once the manifest is valid ----
expect_lines(write("plan.yaml", """\
version: 1
plugins: [./nope.so]
suites:
  - name: a
    library: %(lib)s
    tests: [fx_pass, fx_pas, fx_exit0]
  - name: b
    library: ./libmissing.so
    tests: [x]
  - name: c
    library: %(lib)s
    limiters: {wall_time: {bogus: 1}, nolimiter: {}}
    tests: [fx_fial_assert, fx_exit3]
""" % {"lib": LIB}), [
    ("2:11", "cannot find plug-in './nope.so'"),
    ("6:22", "'fx_pas' not found in test library './libpyn_fx_basic.so'; "
     "did you mean 'fx_pass'?"),
    ("8:14", "cannot find test library './libmissing.so'"),
    ("12:28", "limiter 'wall_time' has no option 'bogus'"),
    ("12:39", "unknown limiter 'nolimiter'"),
    ("13:13", "'fx_fial_assert' not found"),
])

# ---- the cap: 25 unknown keys, 20 shown, then a count ----
body = "".join("  - name: s%d\n    library: %s\n    tests: [fx_pass]\n"
               "    bogus_%d: 1\n" % (i, LIB, i) for i in range(25))
name = write("many.yaml", "version: 1\nsuites:\n" + body)
r = run(["--check", name], cwd=tmp)
got = errors(r)
check(r.code == 4, "many.yaml: exit 4 (got %d)" % r.code)
check(len(got) == 20, "many.yaml: 20 errors shown (got %d)" % len(got))
check([int(l.split(":")[1]) for l in got] == [6 + 4 * i for i in range(20)],
      "many.yaml: the first 20 in manifest order")
check(r.err.rstrip("\n").splitlines()[-1] == "... and 5 more errors",
      "many.yaml: then '... and 5 more errors' (%r)" % r.err[-60:])

# ---- a YAML syntax error stops the reader: reported once ----
name = write("syntax.yaml", "version: 1\nsuites:\n  - name: [a\n  bogus: 1\n")
r = run(["--check", name], cwd=tmp)
got = errors(r)
check(r.code == 4, "syntax.yaml: exit 4 (got %d)" % r.code)
check(len(got) == 1 and re.match(r"syntax\.yaml:\d+:\d+: error: ", got[0]),
      "syntax.yaml: one error with its place (%r)" % got)

# ---- two manifests: the errors of both, file by file ----
a = write("a.yaml", "version: 1\nsuites:\n  - name: x\n    library: %s\n"
          "    tests: [fx_pass]\n    wal_time: 1s\n" % LIB)
b = write("b.yaml", "version: 1\nsuites:\n  - name: y\n    library: %s\n"
          "    tests: [fx_pass]\n    cpu_tim: 1s\n" % LIB)
r = run(["--check", a, b], cwd=tmp)
places = [l.split(": error: ")[0] for l in errors(r)]
check(r.code == 4 and places == ["a.yaml:6:5", "b.yaml:6:5"],
      "two manifests: each one's error, in order (%r)" % places)
log("done")
done()
