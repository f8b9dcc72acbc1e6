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


# ---- 2. -x: what never started is not run ------------------------------------
five = manifest("five.yaml",
                "suites:\n  - name: s\n    library: libpyn_fx_basic\n"
                "    tests: [fx_pass, fx_fail_assert, {name: p2, function: fx_pass},"
                " fx_segv, {name: p3, function: fx_pass}]\n")
rep = os.path.join(tmp, "x.xml")
cache = {"PYNTEST_CACHE_DIR": workdir("pyn-e2e-cache-")}
# Twice: the second run has durations cached, and -j 1 keeps manifest order.
for attempt in ("first", "second"):
    r = run(["-x", "-j", "1", five], report=rep, extra_env=cache)
    check(r.code == 1, "-x (%s run): exit 1 (got %d)" % (attempt, r.code))
    root, cases = read_report(rep)
    got = {tid: c.outcome for tid, c in cases.items()}
    want = {"s.fx_pass": "pass", "s.fx_fail_assert": "fail", "s.p2": "not_run",
            "s.fx_segv": "not_run", "s.p3": "not_run"}
    check(got == want, "-x (%s run): manifest order at -j 1; after the failure, "
          "the rest not run\n     want %s\n     got  %s" % (attempt, want, got))
c = cases.get("s.p2")
if check(c is not None and c.skipped is not None, "-x: not run is <skipped>"):
    check(c.skipped.get("message") == "not run: stopped after the first "
          "unexpected outcome (-x)", "-x: the skipped message says why (%r)"
          % c.skipped.get("message"))
suite_el = root if root.tag == "testsuite" else root.find("testsuite")
check((suite_el.get("failures"), suite_el.get("errors"), suite_el.get("skipped"))
      == ("1", "0", "3"), "-x: JUnit counts failures=1 errors=0 skipped=3 (got %s)"
      % ((suite_el.get("failures"), suite_el.get("errors"), suite_el.get("skipped")),))
last = r.out.strip().splitlines()[-1] if r.out.strip() else ""
check(re.search(r"\b1 passed, 1 failed, 0 skipped, 3 not run\b", last) is not None,
      "-x: the closing line counts not run apart from failed (%r)" % last)

# ---- 3. One closing line that adds up; -q names what failed ---------------
mixed = manifest("mixed.yaml",
                 "suites:\n  - name: m\n    library: libpyn_fx_basic\n"
                 "    tests: [fx_pass, fx_fail_assert, fx_skip,"
                 " {name: xf, function: fx_fail_assert, expect: fail},"
                 " {name: xsegv, function: fx_segv, expect: {signal: SIGSEGV}},"
                 " {name: wrong, function: fx_pass, expect: fail}]\n")
r = run(["-j", "1", mixed])
lines = r.out.strip().splitlines()
closing = lines[-1] if lines else ""
m = re.fullmatch(r"6 tests in [0-9.]+s: 1 passed, 2 failed, 1 skipped, "
                 r"2 expected failures", closing)
check(m is not None, "one closing line; each test counted once (%r)" % closing)
check(len([ln for ln in lines if re.search(r"\d+ passed, \d+ failed", ln)]) == 1,
      "no second summary line that disagrees\n%s" % r.out[-800:])
check("\r" not in r.out and "\033" not in r.out,
      "not a terminal: no progress line, no escapes")
words = [ln for ln in r.out.splitlines() if re.match(r"^ *[A-Z-]+ \[ *[0-9.]+s\] ", ln)]
cols = {ln.index("[") for ln in words}
check(len(words) == 3 and len(cols) == 1,
      "status words right-aligned: one column for FAIL, SKIP, FAIL (%r)" % words)
r = run(["-v", "-j", "1", mixed])
check(re.search(r"^ +EXPECTED \[ *[0-9.]+s\] m\.xf: fail, as expected$", r.out, re.M)
      is not None, "-v: a met expect: fail reads EXPECTED ..., as expected\n%s"
      % r.out[:800])
r = run(["-q", "-j", "1", mixed])
ql = r.out.strip().splitlines()
check(len(ql) == 3 and ql[0].startswith("FAIL m.fx_fail_assert: ")
      and ql[1].startswith("FAIL m.wrong: expected fail, got pass")
      and re.fullmatch(r"6 tests in [0-9.]+s: 1 passed, 2 failed, 1 skipped, "
                       r"2 expected failures", ql[2]) is not None,
      "-q: the ids that did not meet their expectation, then the closing line\n%r" % ql)
check("Slowest" not in r.out, "no slowest list when no test took 1 s")
r = run(["--durations", "2", "-j", "1", mixed])
check(re.search(r"^Slowest 2:\n +[0-9.]+s  m\.\w+\n +[0-9.]+s  m\.\w+\n\n", r.out, re.M)
      is not None, "--durations 2 lists the two slowest\n%s" % r.out[-600:])
r = run(["--concise", "-k", r"\m.fx_fail_assert", mixed])
cl = r.out.splitlines()
check(len(cl) == 2 and re.match(r"^ +FAIL \[ *[0-9.]+s\] m\.fx_fail_assert: CU_ASSERT", cl[0])
      and re.fullmatch(r"1 test in [0-9.]+s: 0 passed, 1 failed, 0 skipped", cl[1]),
      "--concise (ctest): the test's line with its message, then the closing line\n%r"
      % cl)
r = run(["--concise", "-j", "1", mixed])
check(len(r.out.splitlines()) == 7 and "Not passed" not in r.out,
      "--concise: one line per test, passes too, and the closing line\n%s" % r.out)

# ---- 4. --last-failed, --failed-first ---------------------------------------
cache = {"PYNTEST_CACHE_DIR": workdir("pyn-e2e-cache-")}
r = run(["--lf", "-j", "1", five], report=rep, extra_env=cache)
check(r.code == 1 and "--last-failed: no selected test failed last time; running all 5"
      in r.err, "--lf with nothing cached runs all and says so (exit %d)\n%s"
      % (r.code, r.err))
r = run(["--lf", "-j", "2", five], report=rep, extra_env=cache)
_, cases = read_report(rep)
check(sorted(cases) == ["s.fx_fail_assert", "s.fx_segv"]
      and "--last-failed: 2 tests that failed last time" in r.err,
      "--lf runs only last time's failures (got %s)\n%s" % (sorted(cases), r.err))
r = run(["--lf", "-k", "p", five], report=rep, extra_env=cache)
_, cases = read_report(rep)
check(r.code == 0 and sorted(cases) == ["s.fx_pass", "s.p2", "s.p3"],
      "--lf where no selected test failed runs the selection (got %d %s)"
      % (r.code, sorted(cases)))
r = run(["--ff", "-v", "-j", "1", five], extra_env=cache)
order = re.findall(r"\] (s\.[\w.]+)", r.out)
check(order[:2] == ["s.fx_fail_assert", "s.fx_segv"] and len(order) == 5,
      "--ff starts last time's failures first, then the rest (got %r)" % order)
# A -k run that passes a failed test clears it; the other stays failed.
fixed = manifest("five.yaml",
                 "suites:\n  - name: s\n    library: libpyn_fx_basic\n"
                 "    tests: [fx_pass, {name: fx_fail_assert, function: fx_pass},"
                 " {name: p2, function: fx_pass}, fx_segv,"
                 " {name: p3, function: fx_pass}]\n")
r = run(["-k", "fx_fail_assert", fixed], extra_env=cache)
r = run(["--lf", fixed], report=rep, extra_env=cache)
_, cases = read_report(rep)
check(sorted(cases) == ["s.fx_segv"],
      "a test that passed since is no longer rerun by --lf (got %s)" % sorted(cases))

# ---- 5. Errors that say what to do --------------------------------------------
def error_of(args, want, what):
    r = run(args, cwd=tmp)
    check(r.code == 4 and want in r.err, "%s: exit 4 and %r (got %d)\n%s"
          % (what, want, r.code, r.err))


BASIC = "suites:\n  - name: s\n    library: %s\n    tests: [%s]\n"
error_of([manifest("fn.yaml", BASIC % ("libpyn_fx_basic", "fx_pas"))],
         "fn.yaml:5:13: error: test function 'fx_pas' not found in test library "
         "'libpyn_fx_basic'; did you mean 'fx_pass'?", "a misspelt function")
error_of([manifest("lib.yaml", BASIC % ("libpyn_fx_basc", "fx_pass"))],
         "cannot find test library 'libpyn_fx_basc' (did you mean 'libpyn_fx_basic'?)",
         "a misspelt library")
error_of([manifest("plug.yaml", "plugins: [max_file]\n" + BASIC % ("libpyn_fx_basic", "fx_pass"))],
         "plug.yaml:2:11: error: cannot find plug-in 'max_file' (did you mean 'max_files'?)",
         "a misspelt shipped plug-in")
error_of([manifest("noplug.yaml", BASIC % ("libpyn_fx_basic", "fx_pass")
                   + "    limiters: {max_files: {count: 10}}\n")],
         "unknown limiter 'max_files'; it is a plug-in: load it with 'plugins: [max_files]'",
         "a shipped plug-in used without plugins:")
error_of(["--provider", "memory=cgroup3", ids],
         "pyntest: error: option '--provider': limiter 'memory': unknown provider 'cgroup3'",
         "--provider with an unknown provider is the command line's")
error_of(["--provider", "memroy=rlimit", ids],
         "pyntest: error: option '--provider': no limiter 'memroy'; did you mean 'memory'?",
         "--provider with a misspelt limiter")
error_of(["--durtions", "3", ids], "unknown option '--durtions'; did you mean '--durations'?",
         "a misspelt option")
with open(os.path.join(tmp, "libstatic.a"), "wb") as f:
    f.write(b"!<arch>\n")
error_of([manifest("ar.yaml", BASIC % ("./libstatic.a", "fx_pass"))],
         "cannot use test library './libstatic.a': a static archive (ar), not a shared object",
         "a static archive as library")
error_of([manifest("pie.yaml", BASIC % ("/bin/true", "fx_pass"))],
         "cannot use test library '/bin/true': an executable", "an executable as library")
error_of([manifest("tab.yaml", "suites:\n  - name: s\n\tlibrary: x\n")],
         "tab.yaml:4:1: error: a tab character; YAML indents with spaces, never tabs",
         "a tab in YAML")

# ---- 6. --limiters without a manifest -----------------------------------------
r = run(["--limiters"], extra_env={"PYNTEST_PLUGIN_PATH": None})
names = [ln.split()[0] for ln in r.out.splitlines()
         if ln and not ln.startswith(" ") and not ln.startswith("LIMITER")]
for shipped in ("max_files", "max_file_size", "max_procs", "no_network"):
    check(shipped in names and "'plugins: [%s]'" % shipped in r.out,
          "--limiters lists the shipped plug-in %s and how to load it\n%s"
          % (shipped, r.out))
check(r.code == 0 and {"wall_time", "cpu_time", "memory"} <= set(names),
      "--limiters lists the built-ins too (exit %d)" % r.code)

done()
