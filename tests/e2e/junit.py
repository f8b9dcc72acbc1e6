# SPDX-License-Identifier: MIT
"""e2e: both report flavours validate against real schemas and read back
right with junitparser.

Two parts (tests/e2e.cmake).  `project`: each flavour against the
project's own schema (runner/report/schema/); junitparser must count
failures, errors and skips as the outcomes say, and see each testcase's
result.  `third_party`: `--junit-flavor strict` against the Jenkins xUnit
plugin's junit-10 schema through ../shared/junit/validate.sh, where
../shared sits beside the clone (CI); it skips in a clone without it.
"""
import os
import subprocess

from junitparser import Error, Failure, JUnitXml, Skipped

from pyn_e2e import (SANITIZED, STRICT_XSD, XSD, check, done, part, read_report,
                     run, shared_dir, show, skip, suite, validate, workdir)

which = part(("project", "third_party"))
extra = {"PYNTEST_PROVIDERS": "memory=cgroup1"} if SANITIZED else {}
if which == "third_party":
    shared = shared_dir()
    if not shared:
        skip("no ../shared/junit/validate.sh beside the clone (CI has it; "
             "PYN_SHARED_DIR names another): the third-party junit-10 "
             "schema is not here")
    tmp = workdir()
    strict = os.path.join(tmp, "strict.xml")
    r = run([suite("raw.yaml"), "-j", "2", "--junit-flavor", "strict"],
            report=strict, extra_env=extra)
    if check(os.path.exists(strict), "strict report written"):
        v = subprocess.run(["bash", os.path.join(shared, "junit", "validate.sh"),
                            "-s", "junit-10", strict], capture_output=True, text=True)
        check(v.returncode == 0, "strict report validates with %s/junit/validate.sh "
              "-s junit-10:\n%s%s" % (shared, v.stdout, v.stderr))
    else:
        show(r)
    done()

tmp = workdir()

# outcome -> what junitparser must see
JU = {"pass": None, "fail": Failure, "error": Error, "wall_timeout": Error,
      "cpu_timeout": Error, "memory_limit": Error, "skipped": Skipped,
      "interrupted": Error}


def junitparser_counts(path, outcomes):
    """Compare junitparser's view of PATH with OUTCOMES {(suite, name): outcome}."""
    xml = JUnitXml.fromfile(path)
    suites = [xml] if xml._tag == "testsuite" else list(xml)
    seen = {}
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for s in suites:
        for k in totals:
            totals[k] += int(getattr(s, k) or 0)
        for case in s:
            kinds = [type(r) for r in case.result]
            seen[(s.name, case.name)] = kinds[0] if kinds else None
    want = {"tests": len(outcomes), "failures": 0, "errors": 0, "skipped": 0}
    for o in outcomes.values():
        k = JU[o]
        if k is Failure:
            want["failures"] += 1
        elif k is Error:
            want["errors"] += 1
        elif k is Skipped:
            want["skipped"] += 1
    check(totals == want, "%s: junitparser suite counts %s (got %s)"
          % (os.path.basename(path), want, totals))
    for key, o in sorted(outcomes.items()):
        check(seen.get(key, "missing") is JU[o], "%s: junitparser sees %s.%s as %s (got %s)"
              % (os.path.basename(path), key[0], key[1],
                 JU[o].__name__ if JU[o] else "pass", seen.get(key, "missing")))
    # Counts on <testsuites> too, when present.
    if xml._tag == "testsuites":
        for k in ("failures", "errors", "tests"):
            v = xml._elem.get(k)
            if v is not None:
                check(int(v) == want[k], "%s: <testsuites %s=%s> (want %d)"
                      % (os.path.basename(path), k, v, want[k]))


default = os.path.join(tmp, "default.xml")
r = run([suite("raw.yaml"), "-j", "2"], report=default, extra_env=extra)
if not check(os.path.exists(default), "default report written"):
    show(r)
    done()
_, cases = read_report(default)
outcomes = {(c.suite, c.name): c.outcome for c in cases.values()}
check(len(outcomes) == 19 and None not in outcomes.values(),
      "19 testcases, each with pyntest.outcome")

# Unique classname+name pairs.
pairs = [(c.classname, c.name) for c in cases.values()]
check(len(set(pairs)) == len(pairs), "classname+name pairs are unique")

ok, out = validate(default, XSD)
check(ok, "default report validates against pyntest-junit.xsd" + ("" if ok else ":\n" + out[:2000]))
ok, out = validate(default, STRICT_XSD)
check(not ok, "the strict schema refuses the default report (it uses the extensions)")
if None not in outcomes.values():
    junitparser_counts(default, outcomes)

strict = os.path.join(tmp, "strict.xml")
r = run([suite("raw.yaml"), "-j", "2", "--junit-flavor", "strict"], report=strict,
        extra_env=extra)
if check(os.path.exists(strict), "strict report written"):
    ok, out = validate(strict, STRICT_XSD)
    check(ok, "strict report validates against pyntest-junit-strict.xsd"
          + ("" if ok else ":\n" + out[:2000]))
    root, scases = read_report(strict)
    check(all(not c.props for c in scases.values()), "strict: no testcase properties")
    check(all(c.el.get("file") is None and c.el.get("line") is None for c in scases.values()),
          "strict: no file/line attributes")
    sout = "".join((s.findtext("system-out") or "")
                   for s in ([root] if root.tag == "testsuite" else root.findall("testsuite")))
    check("sleep_forever" in sout, "strict: measurements in the suite's system-out")
    if None not in outcomes.values():
        junitparser_counts(strict, outcomes)

# file/line on testcases in the default flavour, where known.
c = cases.get("basic.fx_fail_assert")
if c is not None:
    check(c.el.get("file") is not None, "default: testcase file attribute present")
done()
