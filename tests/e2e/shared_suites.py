# SPDX-License-Identifier: MIT
"""tests/e2e/shared_suites.py - CUnit suites that share a process
(`process: per-suite`, docs/cunit.md).

On the fixtures of tests/programs: an order-dependent suite (a program's
and a library's registered with cunit_register) that fails test by test
under per-test isolation, with the hint, and passes in one process; a
suite whose second test of five crashes, hangs, spins or runs out of
memory: its outcome, and the three after it in a new process that says
so; each test's own wall and CPU limit in one process; -k picking a part
of a suite; overrides; --list; JUnit; -j 2.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyn_e2e import check, done, read_report, run, scaled, show, workdir  # noqa

PG = os.path.abspath(os.environ.get("PYN_PROGRAMS_DIR") or os.path.join(
    os.environ.get("PYN_BINARY_DIR", "build"), "tests", "programs"))
HINT = "'process: per-suite' runs CUnit suite"
RESTARTED = "the suite's process was restarted after"


def prog(name):
    return os.path.join(PG, name)


def write(d, name, text):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def cases(report):
    if not os.path.exists(report):
        return {}
    return read_report(report)[1]


def outcomes(c):
    return {k: v.outcome for k, v in c.items()}


def pid_of(case):
    """The pid a suite_life test printed (its process)."""
    for word in (case.stdout or "").split():
        if word.startswith("pid="):
            return word[4:]
    return None


def order_dependent():
    d = workdir()
    for shared in (False, True):
        m = write(d, "q%d.yaml" % shared, """version: 1
suites:
  - name: prog
    program: %s
%s  - name: lib
    library: %s
    cunit_register: [send_queue_register]
%s""" % (prog("ordered"), "    process: per-suite\n" if shared else "",
         prog("libsend_queue.so"),
         "    process: per-suite\n" if shared else ""))
        rep = os.path.join(d, "q%d.xml" % shared)
        r = run([m], report=rep)
        c = cases(rep)
        got = outcomes(c)
        if shared:
            check(r.code == 0 and len(got) == 7 and
                  set(got.values()) == {"pass"},
                  "process: per-suite: both order-dependent suites (a "
                  "program's, a cunit_register library's) pass\n got %s"
                  % got)
            check(all(v.props.get("pyntest.process") == "per-suite"
                      for v in c.values()),
                  "each test of a shared suite says pyntest.process="
                  "per-suite")
            check(not any(HINT in v.message for v in c.values()),
                  "no hint in a suite that shares a process")
        else:
            check(r.code == 1 and got.get("prog.queue.push first") == "pass"
                  and got.get("prog.queue.push second") == "fail"
                  and got.get("lib.transmit.queue con") == "pass"
                  and got.get("lib.transmit.send all") == "fail",
                  "per-test isolation: the later tests of both "
                  "order-dependent suites fail\n got %s" % got)
            failed = [v for v in c.values() if v.outcome == "fail"]
            check(failed and all(HINT in v.message for v in failed),
                  "each failure under per-test isolation hints at "
                  "'process: per-suite'\n %s"
                  % [v.message for v in failed])
            check(any("FAIL" in line and HINT in line
                      for line in r.out.splitlines()),
                  "the hint is on the failure's own console line")
        if r.code not in (0, 1):
            show(r)


def deaths():
    """Test 2 of 5 ends the process: its outcome; 3-5 in a new one."""
    d = workdir()
    want = {"crash": "error", "hang": "wall_timeout",
            "spin": "cpu_timeout", "memory": "memory_limit"}
    for mode, outcome in sorted(want.items()):
        m = write(d, mode + ".yaml", """version: 1
suites:
  - name: life
    program: %s
    args: [%s]
    process: per-suite
    wall_time: %gs
    cpu_time: %gs
    memory: 128MB
""" % (prog("suite_life"), mode, scaled(2 if mode == "hang" else 20),
       scaled(0.5 if mode == "spin" else 20)))
        rep = os.path.join(d, mode + ".xml")
        r = run([m], report=rep)
        c = cases(rep)
        got = outcomes(c)
        names = ["open", "risky", "use", "more", "close"]
        ids = ["life.conn." + n for n in names]
        check(r.code == 1 and [got.get(i) for i in ids] ==
              ["pass", outcome, "pass", "pass", "pass"],
              "%s in test 2 of 5: it is %s, the other four pass\n got %s"
              % (mode, outcome, got))
        if len(c) != 5:
            show(r)
            continue
        pids = [pid_of(c[i]) for i in ids]
        check(pids[0] == pids[1] and pids[2] == pids[3] == pids[4] and
              pids[0] != pids[2] and None not in pids,
              "%s: tests 1-2 share a process, 3-5 share a new one\n pids %s"
              % (mode, pids))
        check("value=1" in (c[ids[1]].stdout or "") and
              "value=0" in (c[ids[2]].stdout or ""),
              "%s: test 2 saw test 1's state; test 3 starts from a new "
              "init" % mode)
        later = [c[i] for i in ids[2:]]
        check(all(RESTARTED in (v.stdout or "") and
                  RESTARTED in v.props.get("pyntest.process_restarted", "")
                  and "life.conn.risky" in
                  v.props.get("pyntest.process_restarted", "")
                  for v in later),
              "%s: tests 3-5 say (system-out, property) that the process "
              "was restarted after life.conn.risky" % mode)
        check(not any(RESTARTED in (c[i].stdout or "") for i in ids[:2]),
              "%s: tests 1-2 say nothing of a restart" % mode)
        check(c[ids[1]].time < scaled(20),
              "%s: the dying test's time is its own" % mode)


def limits_per_test():
    """Five tests of 0.3 s each, a limit of 1 s (wall; at most 1.4 s, below
    their sum of 1.5 s) or 0.6 s (CPU) each: all pass."""
    d = workdir()
    m = write(d, "limits.yaml", """version: 1
suites:
  - name: sleepy
    program: %s
    args: [sleepy]
    process: per-suite
    wall_time: %gs
  - name: busy
    program: %s
    args: [busy]
    process: per-suite
    cpu_time: 0.6s
    wall_time: %gs
""" % (prog("suite_life"), min(scaled(1.0), 1.4),
       prog("suite_life"), scaled(30)))
    rep = os.path.join(d, "limits.xml")
    r = run([m], report=rep)
    got = outcomes(cases(rep))
    check(r.code == 0 and len(got) == 10 and set(got.values()) == {"pass"},
          "five tests of 0.3 s in one process under a wall (then a CPU) "
          "limit below their sum: each keeps its own limit, all pass\n"
          " got %s" % got)
    if r.code:
        show(r)


def selection():
    d = workdir()
    m = write(d, "sel.yaml", """version: 1
suites:
  - name: life
    program: %s
    args: [pass]
    overrides:
      - match: "life.conn.*"
        process: per-suite
  - name: other
    program: %s
    args: [pass]
""" % (prog("suite_life"), prog("suite_life")))
    rep = os.path.join(d, "sel.xml")
    r = run([m, "-k", "life.conn.use", "-k", "life.conn.close"],
            report=rep)
    c = cases(rep)
    check(r.code == 0 and sorted(c) == ["life.conn.close", "life.conn.use"],
          "-k picks two tests of a shared suite\n got %s" % sorted(c))
    if len(c) == 2:
        a, b = c["life.conn.use"], c["life.conn.close"]
        check(pid_of(a) == pid_of(b) and "inits=1" in (b.stdout or ""),
              "the two selected tests ran in order in one process (an "
              "override's process: per-suite)")
    rep = os.path.join(d, "all.xml")
    r = run([m, "-j", "2"], report=rep)
    c = cases(rep)
    got = outcomes(c)
    check(r.code == 0 and len(got) == 10 and set(got.values()) == {"pass"},
          "-j 2: both suites pass\n got %s" % got)
    if len(c) == 10:
        life = {pid_of(c["life.conn." + n])
                for n in ("open", "risky", "use", "more", "close")}
        other = {pid_of(c["other.conn." + n])
                 for n in ("open", "risky", "use", "more", "close")}
        check(len(life) == 1 and len(other) == 5,
              "-j 2: the overridden suite in one process, the other one "
              "a process a test\n %s %s" % (life, other))
    r = run([m, "--list"])
    check(r.code == 0 and "life.conn.use" in r.out and
          "other.conn.use" in r.out,
          "--list lists a shared suite's tests by their ids")
    bad = write(d, "bad.yaml", """version: 1
suites:
  - name: life
    program: %s
    process: per-group
""" % prog("suite_life"))
    r = run([bad, "--check"])
    check(r.code != 0 and "per-test or per-suite" in r.err and
          "bad.yaml:5:" in r.err,
          "a bad process value is refused at its line\n%s" % r.err[-400:])


order_dependent()
deaths()
limits_per_test()
selection()
done()
