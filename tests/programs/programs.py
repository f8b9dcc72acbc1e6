# SPDX-License-Identifier: MIT
"""tests/programs/programs.py - whole CUnit projects (issue 19).

Runs the fixture programs of tests/programs through the real pyntest and
checks: tests named by their manifest suite (programs that share a CUnit
suite name, one program listed twice, `pyntest prog1 prog2`, -k,
overrides, --list, shards), duplicate-id messages, a program's start-up
under its own limits and the one result of a main() that never gets to
CUnit, twelve registration functions with setup/teardown, an
order-dependent suite under isolation, and what --check finds before
anything runs.
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
from pyn_e2e import (check, done, need_tool, read_report, run, show,  # noqa
                     workdir)

PG = os.path.abspath(os.environ.get("PYN_PROGRAMS_DIR") or os.path.join(
    os.environ.get("PYN_BINARY_DIR", "build"), "tests", "programs"))


def prog(name):
    return os.path.join(PG, name)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def cases(report):
    """{id: Case} of a report (the id: classname.name, the plan's)."""
    if not os.path.exists(report):
        return {}
    return read_report(report)[1]


def outcomes(report):
    return {k: c.outcome for k, c in cases(report).items()}


def suite_names(report):
    if not os.path.exists(report):
        return []
    return [s.get("name") for s in read_report(report)[0].findall("testsuite")]


def names():
    d = workdir()
    # ---- three programs, one CUnit suite name, three manifest suites ----
    m = write(os.path.join(d, "kv.yaml"), """version: 1
suites:
  - name: kv1
    program: %s
  - name: kv2
    program: %s
  - name: kv3
    program: %s
    overrides:
      - match: "store.test_variant"
        expect: fail
""" % (prog("kv_one"), prog("kv_two"), prog("kv_three")))
    rep = os.path.join(d, "kv.xml")
    r = run([m], report=rep)
    want = {}
    for s in ("kv1", "kv2", "kv3"):
        for t in ("test_write", "test_read", "test_variant"):
            want["%s.store.%s" % (s, t)] = "pass"
    want["kv3.store.test_variant"] = "fail"
    got = outcomes(rep)
    check(r.code == 0 and got == want,
          "three programs sharing CUnit suite 'store': nine tests named "
          "apart, kv3's failure its own and expected\n got %s" % got)
    if r.code:
        show(r)
    check(suite_names(rep) == ["kv1", "kv2", "kv3"],
          "JUnit <testsuite name> is the manifest suite's name\n %s"
          % suite_names(rep))
    c = cases(rep).get("kv2.store.test_read")
    check(c is not None and c.classname == "kv2.store",
          "classname is NAME.CUNIT_SUITE")
    r = run(["--list", m])
    check(r.out.split() == list(want),
          "--list gives the same ids, in manifest order\n %s" % r.out)
    r = run(["--list", "-k", "kv2.*", m])
    check(r.out.split() == ["kv2.store.test_write", "kv2.store.test_read",
                            "kv2.store.test_variant"],
          "-k selects one program's tests by its suite name\n %s" % r.out)
    shards = []
    for i in (1, 2):
        r = run(["--list", "--shard", "%d/2" % i, m])
        shards += r.out.split()
    check(sorted(shards) == sorted(want),
          "two shards split the nine ids, each once\n %s" % shards)

    # ---- the same programs on the command line ----
    rep = os.path.join(d, "cli.xml")
    r = run([prog("kv_one"), prog("kv_two"), prog("kv_three")], report=rep)
    got = outcomes(rep)
    check(r.code == 1 and len(got) == 9 and
          got.get("kv_three.store.test_variant") == "fail" and
          got.get("kv_one.store.test_variant") == "pass",
          "pyntest prog1 prog2 prog3: tests named by program\n %s" % got)
    check(suite_names(rep) == ["kv_one", "kv_two", "kv_three"],
          "each program is its own <testsuite>\n %s" % suite_names(rep))
    # Two programs with one base name: NAME and NAME-2.
    a, b = os.path.join(d, "a"), os.path.join(d, "b")
    os.makedirs(a)
    os.makedirs(b)
    shutil.copy(prog("kv_one"), os.path.join(a, "kv"))
    shutil.copy(prog("kv_three"), os.path.join(b, "kv"))
    r = run(["--list", os.path.join(a, "kv"), os.path.join(b, "kv")])
    check(r.code == 0 and r.out.split() == [
        "kv.store.test_write", "kv.store.test_read", "kv.store.test_variant",
        "kv-2.store.test_write", "kv-2.store.test_read",
        "kv-2.store.test_variant"],
          "same base name twice: NAME and NAME-2\n %s%s" % (r.out, r.err))

    # ---- duplicate ids: where both are ----
    shutil.copy(prog("kv_one"), os.path.join(a, "kv.store"))
    r = run(["--list", os.path.join(a, "kv"), os.path.join(a, "kv.store")])
    check(r.code == 4 and "duplicate test id 'kv.store.test_write'" in r.err
          and "programs '%s' and '%s'" % (os.path.join(a, "kv"),
                                          os.path.join(a, "kv.store"))
          in r.err and ":4" not in r.err,
          "duplicate from the command line names both programs, no line\n %s"
          % r.err)
    m = write(os.path.join(d, "dup.yaml"), """version: 1
suites:
  - name: kv
    program: %s
  - name: kv.store
    program: %s
""" % (os.path.join(a, "kv"), os.path.join(a, "kv.store")))
    r = run(["--check", m])
    check(r.code == 4 and
          "dup.yaml:6:14: error: duplicate test id 'kv.store.test_write' "
          "(first at line 4, column 14)" in r.err,
          "duplicate in a manifest: FILE:LINE:COL and where the first is\n %s"
          % r.err)

    # ---- one program twice, other args ----
    m = write(os.path.join(d, "args.yaml"), """version: 1
suites:
  - name: alpha
    program: %s
    args: [alpha]
  - name: beta
    program: %s
    args: [beta]
""" % (prog("two_args"), prog("two_args")))
    rep = os.path.join(d, "args.xml")
    r = run([m], report=rep)
    got = outcomes(rep)
    check(got == {"alpha.modes.mode given": "pass",
                  "alpha.modes.beta only": "fail",
                  "beta.modes.mode given": "pass",
                  "beta.modes.beta only": "pass"},
          "one program listed twice: each suite runs it with its args\n %s"
          % got)


def startup():
    d = workdir()
    log_path = os.path.join(d, "main.log")
    # A main() slower than a test's limit: start-up has its own 10 s.
    m = write(os.path.join(d, "slow.yaml"), """version: 1
suites:
  - name: slow
    program: %s
    args: ["sleep:1500"]
    wall_time: 500ms
""" % prog("slow_main"))
    rep = os.path.join(d, "slow.xml")
    r = run([m], report=rep)
    got = outcomes(rep)
    check(r.code == 0 and got == {"slow.quick": "pass", "slow.small": "pass"},
          "main() slower than a test's limit: the tests still run\n %s" % got)
    if r.code:
        show(r)
    r = run(["--wall-time", "0.5", prog("slow_main"), "--", "sleep:1500"],
            report=rep)
    got = outcomes(rep)
    check(r.code == 0 and got == {"slow_main.slow.quick": "pass",
                                  "slow_main.slow.small": "pass"},
          "--wall-time bounds the tests, not main()\n %s" % got)

    # main() out of its start-up limits: one result that says so.
    m = write(os.path.join(d, "hang.yaml"), """version: 1
suites:
  - name: hang
    program: %s
    args: ["sleep:60000"]
    startup: { wall_time: 500ms }
""" % prog("slow_main"))
    rep = os.path.join(d, "hang.xml")
    r = run([m], report=rep, timeout=30)
    c = list(cases(rep).values())
    check(r.code == 1 and len(c) == 1 and c[0].name == "(main)" and
          c[0].outcome == "wall_timeout" and
          "did not get to its CUnit run call within its start-up limits"
          in c[0].message and "exceeded wall time limit 0.500 s"
          in c[0].message,
          "main() past startup.wall_time: one wall_timeout naming it\n %s"
          % (c and c[0].message))
    m = write(os.path.join(d, "hog.yaml"), """version: 1
suites:
  - name: hog
    program: %s
    args: ["hog:256"]
    startup: { memory: 64MB }
""" % prog("slow_main"))
    rep = os.path.join(d, "hog.xml")
    r = run([m], report=rep)
    c = list(cases(rep).values())
    check(r.code == 1 and len(c) == 1 and c[0].name == "(main)" and
          c[0].outcome in ("error", "memory_limit") and
          ("before it ran any CUnit test" in c[0].message or
           "start-up limits" in c[0].message),
          "main() past startup.memory: one result naming main()\n %s"
          % str(c and (c[0].outcome, c[0].message)))
    m = write(os.path.join(d, "hog-ok.yaml"), """version: 1
suites:
  - name: hog
    program: %s
    args: ["hog:96"]
    wall_time: 10s
""" % prog("slow_main"))
    r = run([m], report=rep)
    check(r.code == 0 and outcomes(rep) == {"hog.slow.quick": "pass",
                                            "hog.slow.small": "pass"},
          "a main() that uses memory has no start-up memory limit by "
          "default\n %s" % outcomes(rep))

    for how, words in (("exit", "main() of program '%s' exited with status "
                        "1 before it ran any CUnit test" % prog("slow_main")),
                       ("crash", "was killed by signal SIGSEGV")):
        if os.path.exists(log_path):
            os.unlink(log_path)
        rep = os.path.join(d, how + ".xml")
        r = run(["-j", "2", prog("slow_main"), "--", how], report=rep,
                extra_env={"SLOW_MAIN_LOG": log_path})
        c = list(cases(rep).values())
        check(r.code == 1 and len(c) == 1 and
              c[0].id == "slow_main.(main)" and c[0].outcome == "error" and
              words in c[0].message and "not found" not in c[0].message,
              "main() %s: one error naming it, never 'not found'\n %s"
              % (how, c and c[0].message))
        with open(log_path) as f:
            starts = len(f.readlines())
        check(starts == 1,
              "main() %s: run once, to list; never again (%d)" % (how, starts))


def registration():
    d = workdir()
    # ---- twelve registration functions, setup and teardown ----
    fns = ", ".join("t_init_r%02d_tests" % i for i in range(1, 13))
    m = write(os.path.join(d, "many.yaml"), """version: 1
suites:
  - name: many
    library: %s
    cunit_register: [%s]
    setup: many_setup
    teardown: many_teardown
    env: { MANY_EXPECT_SETUP: "1" }
""" % (prog("libmany_reg.so"), fns))
    r = run(["--check", m])
    check(r.code == 0 and "24 tests in 1 suite" in r.out,
          "--check: twelve registration functions and setup are fine\n %s%s"
          % (r.out, r.err))
    rep = os.path.join(d, "many.xml")
    r = run([m], report=rep)
    got = outcomes(rep)
    check(r.code == 0 and len(got) == 24 and
          set(got.values()) == {"pass"} and
          "many.r12.setup seen" in got,
          "twelve registration functions: 24 tests, all pass, setup ran "
          "around each\n %s" % got)
    if r.code:
        show(r)
    rep = os.path.join(d, "many-prog.xml")
    r = run([prog("many_reg")], report=rep)
    got = outcomes(rep)
    check(r.code == 0 and len(got) == 24 and set(got.values()) == {"pass"},
          "the same as a program: 24 tests\n %s" % got)

    # ---- what does not fit in a test's page: --check says where ----
    big = "x" * 70000
    m = write(os.path.join(d, "big.yaml"), """version: 1
suites:
  - name: big
    program: %s
    env: { BIG: %s }
""" % (prog("two_args"), big))
    for args in (["--check"], []):
        r = run(args + [m])
        check(r.code == 4 and "big.yaml:4:14: error: test 'big.modes.mode "
              "given' cannot run:" in r.err and "65536" in r.err,
              "%s: a task too large is refused at FILE:LINE:COL before "
              "anything runs\n %s" % (args, r.err[:300]))
    m = write(os.path.join(d, "start.yaml"), """version: 1
suites:
  - name: s
    library: %s
    tests: [many_setup]
    startup: { wall_time: 1s }
""" % prog("libmany_reg.so"))
    r = run(["--check", m])
    check(r.code == 4 and "start.yaml:6:5: error: 'startup' needs" in r.err,
          "startup on a suite that imports nothing: FILE:LINE:COL\n %s"
          % r.err)
    m = write(os.path.join(d, "start2.yaml"), """version: 1
suites:
  - name: s
    program: %s
    startup: { wall_tme: 1s }
""" % prog("two_args"))
    r = run(["--check", m])
    check(r.code == 4 and "start2.yaml:5:16:" in r.err and
          "wall_time" in r.err,
          "an unknown startup key: FILE:LINE:COL with a suggestion\n %s"
          % r.err)

    # ---- a library whose dependency does not load: --check says so ----
    cc = need_tool("gcc", "gcc")
    write(os.path.join(d, "dep.c"), "int pyn_pg_dep(void) { return 1; }\n")
    write(os.path.join(d, "t.c"), "int pyn_pg_dep(void);\n"
          "void t_dep(void) { (void)pyn_pg_dep(); }\n")
    dep = os.path.join(d, "libpynpgdep.so")
    subprocess.run([cc, "-shared", "-fPIC", "-o", dep,
                    os.path.join(d, "dep.c")], check=True)
    subprocess.run([cc, "-shared", "-fPIC", "-o", os.path.join(d, "libt.so"),
                    os.path.join(d, "t.c"), "-L" + d, "-lpynpgdep"],
                   check=True)
    os.unlink(dep)
    m = write(os.path.join(d, "dep.yaml"), """version: 1
suites:
  - name: dep
    library: libt
    tests: [t_dep]
""")
    r = run(["--check", m])
    check(r.code == 4 and "dep.yaml:5:13: error:" in r.err and
          "libpynpgdep.so" in r.err and "rpath" in r.err and
          "LD_LIBRARY_PATH" in r.err,
          "--check loads the library in a child: the missing dependency, "
          "with a hint\n %s" % r.err)


def ordered():
    d = workdir()
    rep = os.path.join(d, "ordered.xml")
    r = run([prog("ordered")], report=rep)
    got = outcomes(rep)
    # Documented (docs/cunit.md): each test starts from main()'s state.
    check(r.code == 1 and got == {"ordered.queue.push first": "pass",
                                  "ordered.queue.push second": "fail",
                                  "ordered.queue.drain": "fail"},
          "order-dependent suite under per-test isolation: only the first "
          "test sees the state it expects\n %s" % got)
    own = subprocess.run([prog("ordered")], capture_output=True, text=True)
    check(own.returncode == 0,
          "the program's own run passes every test (order kept)")


def main():
    names()
    startup()
    registration()
    ordered()
    done()


main()
