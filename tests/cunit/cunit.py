# SPDX-License-Identifier: MIT
"""tests/cunit/cunit.py - real CUnit projects, run unchanged (issue 9).

The programs and libraries of tests/cunit are built exactly as a project
builds its CUnit tests.  This script runs them through the real pyntest -
`pyntest ./program`, `program:`, `cunit:` and `cunit_register:` - and
checks every outcome, the CUnit names in the report, that no test ran in
the program's own process, that limits bite, and what a main() that
hangs, crashes or never calls CUnit gives.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
from pyn_e2e import (check, done, read_report, run, show, workdir)  # noqa

CU = os.path.abspath(os.environ.get("PYN_CUNIT_DIR") or os.path.join(
    os.environ.get("PYN_BINARY_DIR", "build"), "tests", "cunit"))


def prog(name):
    return os.path.join(CU, name)


def all_cases(report):
    return list(read_report(report)[1].values())


def cases(report):
    return {(c.classname, c.name): c for c in all_cases(report)}


def outcomes(report):
    return {"%s.%s" % k: c.outcome for k, c in cases(report).items()}


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def read_log(path):
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            rows = [l.split() for l in f if l.strip()]
    return rows


# `pyntest ./prog_main` names its tests by the program: prog_main.SUITE.TEST.
MAIN_EXPECTED = {
    "prog_main.main_suite.pass": "pass",
    "prog_main.main_suite.fail": "fail",
    "prog_main.main_suite.fatal": "fail",
    "prog_main.main_suite.crash": "error",
    "prog_main.main_suite.exit": "fail",
    "prog_main.slow.spin": "cpu_timeout",
}


def check_main(tag, extra_args):
    """prog_main: registration in main(), static tests, globals set there."""
    d = workdir()
    log_path, main_log = os.path.join(d, "tests.log"), os.path.join(d, "main.log")
    rep = os.path.join(d, "r.xml")
    r = run(["--cpu-time", "0.5", "--wall-time", "10"] + extra_args +
            [prog("prog_main")], report=rep,
            extra_env={"PROG_LOG": log_path, "PROG_MAIN_LOG": main_log})
    check(r.code == 1, "%s: exit 1 (failures), got %d" % (tag, r.code))
    got = outcomes(rep) if os.path.exists(rep) else {}
    check(got == MAIN_EXPECTED, "%s: every outcome\n got %s" % (tag, got))
    c = cases(rep) if os.path.exists(rep) else {}
    fail = c.get(("prog_main.main_suite", "fail"))
    check(fail is not None and "prog_main.c:" in fail.message and
          "CU_ASSERT_STRING_EQUAL(config" in fail.message and
          "and 1 more" not in fail.message,
          "%s: fail names the one failed CUnit assertion (counter was 0 "
          "again)\n %s" % (tag, fail and fail.message))
    crash = c.get(("prog_main.main_suite", "crash"))
    check(crash is not None and "SIGSEGV" in crash.message,
          "%s: the crash is named SIGSEGV" % tag)
    ex = c.get(("prog_main.main_suite", "exit"))
    check(ex is not None and "exited with status 3" in ex.message,
          "%s: exit(3) is a fail saying so" % tag)
    spin = c.get(("prog_main.slow", "spin"))
    check(spin is not None and spin.type == "CpuTimeout",
          "%s: the spinning test hits its CPU limit" % tag)
    rows = read_log(log_path)
    names = sorted(r[0] for r in rows)
    check(names == sorted(["pass", "fail", "fatal", "crash", "exit", "spin"]),
          "%s: every test ran once; _FATAL stopped its test\n %s" % (tag, names))
    mains = [int(r[1]) for r in read_log(main_log)]
    pids = [int(r[1]) for r in rows]
    check(rows and all(int(r[3]) in mains for r in rows),
          "%s: main() ran (and set main_pid) before each test" % tag)
    if "spawn" in extra_args:
        check(rows and all(int(r[1]) == int(r[3]) for r in rows) and
              len(set(pids)) == len(pids),
              "%s: spawn: each test in its own run of the program" % tag)
    else:
        check(rows and all(int(r[1]) != int(r[3]) for r in rows),
              "%s: no test ran in the program's own process" % tag)
        check(len(set(pids)) == len(pids) and
              len(set(r[2] for r in rows)) == 1 and
              all(int(r[2]) not in mains for r in rows),
              "%s: each test in its own process, a child of the runner" % tag)
        check(len(mains) == 2,
              "%s: main() ran twice: once to list, once to serve (%d)"
              % (tag, len(mains)))
    return r


def main():
    # ---- pyntest ./program, every isolation mode and -j ----
    r = check_main("cli", [])
    if r.code != 1:
        show(r)
    check_main("spawn", ["--isolation", "spawn"])
    check_main("j2", ["-j", "2"])

    d = workdir()
    r = run(["--list", prog("prog_main")])
    check(r.out.split() == list(MAIN_EXPECTED),
          "--list gives CUnit's names in registry order\n %s" % r.out)

    # ---- program: with the program's single-test argv mode ----
    m = write(os.path.join(d, "one.yaml"), """version: 1
suites:
  - name: one
    program: %s
    args: [main_suite, pass]
""" % prog("prog_main"))
    r = run(["--list", m])
    check(r.out.split() == ["one.main_suite.pass"],
          "args SUITE TEST: only that test is listed\n %s" % r.out)
    rep = os.path.join(d, "one.xml")
    r = run([m], report=rep)
    check(r.code == 0 and outcomes(rep) == {"one.main_suite.pass": "pass"},
          "args SUITE TEST: that test runs and passes")
    r = run(["-k", "prog_main.main_suite.pass", prog("prog_main"), "--",
             "main_suite", "pass"], report=rep)
    check(r.code == 0 and
          outcomes(rep) == {"prog_main.main_suite.pass": "pass"},
          "pyntest ./program -- SUITE TEST, with -k")

    # ---- registration functions, suite init/cleanup, cwd, env ----
    fx = workdir()
    os.makedirs(os.path.join(fx, "data"))
    write(os.path.join(fx, "data", "fixture.txt"), "fixture data\n")
    tmp = workdir()
    tlog = os.path.join(tmp, "teardown.log")
    for kind, src in (("program", "program: %s" % prog("prog_regfn")),
                      ("cunit_register", "library: %s\n    cunit_register: "
                       "[t_init_file_tests, t_init_broken_tests]"
                       % prog("libcu_regfn.so"))):
        m = write(os.path.join(d, "regfn-%s.yaml" % kind), """version: 1
suites:
  - name: regfn
    %s
    cwd: %s
    env: { REGFN_MODE: strict, REGFN_TMPDIR: %s, REGFN_LOG: %s }
""" % (src, fx, tmp, tlog))
        if os.path.exists(tlog):
            os.unlink(tlog)
        rep = os.path.join(d, "regfn-%s.xml" % kind)
        # One fixed temp path for the whole suite: tests may not overlap
        # (docs/cunit.md), so one at a time.
        r = run(["-j", "1", m], report=rep)
        got = outcomes(rep) if os.path.exists(rep) else {}
        want = {"regfn.file.read tmp": "pass", "regfn.file.write tmp": "pass",
                "regfn.file.fixture from cwd": "pass",
                "regfn.file.env": "pass", "regfn.broken.never runs": "error"}
        check(got == want, "%s: registered suites, each test with its own "
              "suite init (cwd, env, shared temp file)\n got %s" % (kind, got))
        if got != want:
            show(r)
        c = cases(rep) if os.path.exists(rep) else {}
        br = c.get(("regfn.broken", "never runs"))
        check(br is not None and br.type == "SetupError" and
              "initialization of CUnit suite 'broken' failed" in br.message
              and "returned 7" in br.message,
              "%s: a failing suite init is a SetupError with the reason\n %s"
              % (kind, br and br.message))
        check(not os.path.exists(os.path.join(tmp, "regfn-fixture.txt")),
              "%s: suite cleanup removed the temp file" % kind)
        td = read_log(tlog)
        check(len(td) == 4 and len(set(t[1] for t in td)) == 4,
              "%s: per-test teardown ran in each test's process" % kind)

    # ---- overrides for imported tests: expect, limits, skip ----
    m = write(os.path.join(d, "over.yaml"), """version: 1
suites:
  - name: over
    program: %s
    wall_time: 10
    overrides:
      - match: "main_suite.fail"
        expect: fail
      - match: "main_suite.crash"
        expect: { signal: SIGSEGV }
      - match: "main_suite.ex*"
        expect: { exit_code: 3 }
      - match: "main_suite.fatal"
        skip: "known bad"
      - match: "slow.*"
        cpu_time: 0.3
        expect: cpu_timeout
""" % prog("prog_main"))
    rep = os.path.join(d, "over.xml")
    r = run([m], report=rep)
    got = {"%s.%s" % k: c.verdict
           for k, c in cases(rep).items()} if os.path.exists(rep) else {}
    # The matches are CUnit names (SUITE.TEST): they still apply.
    check(r.code == 0 and got == {"over.main_suite.pass": "pass",
                                  "over.main_suite.fail": "pass",
                                  "over.main_suite.fatal": "skipped",
                                  "over.main_suite.crash": "pass",
                                  "over.main_suite.exit": "pass",
                                  "over.slow.spin": "pass"},
          "overrides: expect, skip and limits by id glob\n got %s" % got)
    spin = (cases(rep).get(("over.slow", "spin"))
            if os.path.exists(rep) else None)
    check(spin is not None and
          spin.props.get("pyntest.limit.cpu_time_s", "").startswith("0.3"),
          "overrides: the spin test ran under its own CPU limit")

    # ---- ld --wrap=malloc fault injection ----
    rep = os.path.join(d, "wrap.xml")
    r = run([prog("prog_wrap")], report=rep)
    got = outcomes(rep) if os.path.exists(rep) else {}
    check(got == {"prog_wrap.wrap.ok": "pass",
                  "prog_wrap.wrap.first fails": "pass",
                  "prog_wrap.wrap.second fails": "pass",
                  "prog_wrap.wrap.unchecked": "error",
                  "prog_wrap.wrap.state reset": "pass"},
          "--wrap=malloc: injected failures, the unchecked one crashes\n %s"
          % got)

    # ---- the memory limit bites a program's test ----
    rep = os.path.join(d, "mem.xml")
    r = run(["--memory", "64MB", "--wall-time", "10", prog("prog_mem")],
            report=rep)
    got = outcomes(rep) if os.path.exists(rep) else {}
    check(got == {"prog_mem.mem.eat": "memory_limit",
                  "prog_mem.mem.32 MiB": "pass"},
          "memory: the eating test hits 64 MB, 32 MiB passes\n %s" % got)

    # ---- a main() that never gets to CUnit ----
    # One result that says what main() did, never run again; a hang
    # is stopped by the suite's start-up limit, not a test's.
    for how, outcome, words in (
            ("hang", "wall_timeout", "did not get to its CUnit run call "
             "within its start-up limits"),
            ("crash", "error", "was killed by signal SIGSEGV"),
            ("return", "error", "main() of program '%s' exited with status "
             "0 before it ran any CUnit test" % prog("prog_bad")),
            ("exit", "error", "exited with status 5 before it ran any "
             "CUnit test")):
        rep = os.path.join(d, "bad-%s.xml" % how)
        if how == "hang":
            m = write(os.path.join(d, "hang.yaml"), """version: 1
suites:
  - name: prog_bad
    program: %s
    args: [hang]
    startup: { wall_time: 1s }
""" % prog("prog_bad"))
            r = run([m], report=rep)
        else:
            r = run(["--wall-time", "1", prog("prog_bad"), "--", how],
                    report=rep)
        c = list(cases(rep).values()) if os.path.exists(rep) else []
        check(r.code == 1 and len(c) == 1 and c[0].outcome == outcome and
              words in c[0].message and "prog_bad" in c[0].message,
              "main() %s: %s naming the program\n %s" %
              (how, outcome, c and c[0].message))
        check("cannot list the tests of suite" in r.err,
              "main() %s: a warning says the suite could not be listed" % how)
    rep = os.path.join(d, "bad-ok.xml")
    r = run([prog("prog_bad"), "--", "ok"], report=rep)
    check(r.code == 0 and outcomes(rep) == {"prog_bad.bad.one": "pass"},
          "the same program passes when main() gets to CUnit")

    # ---- a 23-test suite, as a CU_SuiteInfo[] library and as a program ----
    ids = {}
    for kind, src in (("cunit", "library: %s\n    cunit: strbuf_suites"
                       % prog("libcu_strbuf.so")),
                      ("program", "program: %s" % prog("strbuf_tests"))):
        m = write(os.path.join(d, "strbuf-%s.yaml" % kind), """version: 1
suites:
  - name: strbuf
    %s
""" % src)
        rep = os.path.join(d, "strbuf-%s.xml" % kind)
        r = run(["-j", "2", m], report=rep, extra_env={"TMPDIR": tmp})
        c = all_cases(rep) if os.path.exists(rep) else []
        check(r.code == 0 and len(c) == 23 and
              all(x.outcome == "pass" for x in c),
              "strbuf via %s: 23 tests, all pass (%d)" % (kind, len(c)))
        if r.code:
            show(r)
        suites = sorted(set(x.classname for x in c))
        check(suites == ["strbuf.strbuf basic", "strbuf.strbuf edit",
                         "strbuf.strbuf io", "strbuf.strbuf split"],
              "strbuf via %s: reported under CUnit's suite names\n %s"
              % (kind, suites))
        ids[kind] = sorted(x.id for x in c)
    check(ids.get("cunit") == ids.get("program"),
          "strbuf: the same test ids through cunit: and program:")
    check(not [f for f in os.listdir(tmp) if f.startswith("strbuf-io")],
          "strbuf: suite cleanup removed every scratch file")
    done()


main()
