# SPDX-License-Identifier: MIT
"""e2e: what the providers an ordinary user gets must get right too
(issue 20), one part each:

quick_subreaper     300 passing tests, forkserver, -j 2, the subreaper
                    forced: all pass (no "cannot watch the test's process")
quick_unprivileged  the same as an unprivileged user (setpriv to nobody
                    when run as root), with whatever providers it gets
alloc               an allocation no machine gives, handled, is the test's
                    own outcome (fail; a crash after it stays a crash); one
                    the limit refused is memory_limit (every memory provider)
mmap                mmap + touch past the limit is memory_limit under the
                    rlimit provider as under cgroups
child_cgroup        a test that leaves a child cgroup (root, cgroup v2):
                    the tests after it keep their own figures
escape              a child that joins the runner's process group is killed
                    and counted as a leftover (subreaper forced)
sigxcpu             raise(SIGXCPU) after 1 ms is a signal, not cpu_timeout,
                    in every isolation mode, every time
"""
import os
import subprocess
import sys

from pyn_e2e import (FIXTURES, PYNTEST, SANITIZED, check, done, limiter_support,
                     log, part, pid_alive, read_report, run, show, skip,
                     workdir, cgroup2_memory, env, scaled, wait_gone, kill_all)

PART = part(["quick_subreaper", "quick_unprivileged", "alloc", "mmap",
             "child_cgroup", "escape", "sigxcpu"])
tmp = workdir()
LIB = os.path.join(FIXTURES, "libpyn_fx_providers.so")


def manifest(name, body):
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write("version: 1\n" + body)
    return path


def quick_manifest(isolation="forkserver"):
    return manifest("quick", """defaults:
  isolation: %s
suites:
  - name: quick
    library: %s
    discover: "fx_quick_*"
""" % (isolation, LIB))


def all_passed(rep, r, n, what):
    if not check(os.path.exists(rep), "%s: a report" % what):
        show(r)
        return
    _, cases = read_report(rep)
    bad = {k: "%s: %s" % (c.outcome, c.message) for k, c in cases.items()
           if c.outcome != "pass"}
    check(len(cases) == n and not bad and r.code == 0,
          "%s: all %d tests pass (got %d reported, exit %d, %d not passing)\n"
          "     e.g. %s" % (what, n, len(cases), r.code, len(bad),
                          list(bad.items())[:3]))


if PART == "quick_subreaper":
    ok, why = limiter_support("process_tree", "subreaper")
    if not ok:
        skip("the subreaper provider is not available here: " + why)
    m = quick_manifest()
    for i in range(3):
        rep = os.path.join(tmp, "quick%d.xml" % i)
        r = run([m, "-j", "2"], report=rep,
                extra_env={"PYNTEST_PROVIDERS": "process_tree=subreaper"})
        all_passed(rep, r, 300, "subreaper -j 2, run %d" % (i + 1))

elif PART == "quick_unprivileged":
    prefix = []
    if os.geteuid() == 0:
        prefix = ["setpriv", "--reuid=65534", "--regid=65534",
                  "--clear-groups"]
        os.chmod(tmp, 0o1777)
        probe = subprocess.run(prefix + ["test", "-x", PYNTEST],
                               capture_output=True)
        if probe.returncode != 0:
            skip("user 65534 cannot run %s (the build tree is not readable "
                 "by it)" % PYNTEST)
    # --limiters says what this user cannot get here, and why.
    lim = subprocess.run(prefix + [PYNTEST, "--limiters"], capture_output=True,
                         text=True, env=env(HOME=tmp, PYNTEST_PROVIDERS=None))
    lines = lim.stdout.splitlines()
    for name in ("memory", "process_tree"):
        row = [i for i, l in enumerate(lines) if l.split()[:1] == [name]]
        if not check(row, "--limiters lists %s\n%s" % (name, lim.stdout)):
            continue
        prov = lines[row[0]].split()[2]
        best = prov in ("cgroup2", "cgroup1") if name == "memory" else prov == "cgroup2"
        note = lines[row[0] + 1] if row[0] + 1 < len(lines) else ""
        if best or prov == "-":
            log("     %s: %s (its best here, or none: the row says why)"
                % (name, prov))
            continue
        check("not its best here:" in note and "cgroup" in note and
              ("so %s:" % prov) in note,
              "--limiters: %s by %s says why not cgroups and what %s "
              "cannot do\n%s" % (name, prov, prov, lim.stdout))
    m = quick_manifest()
    os.chmod(m, 0o644)
    cache = os.path.join(tmp, "cache")
    os.mkdir(cache)
    os.chmod(cache, 0o1777)
    for i in range(3):
        rep = os.path.join(tmp, "nobody%d.xml" % i)
        p = subprocess.run(prefix + [PYNTEST, "-o", rep, m, "-j", "2"],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=scaled(120),
                           env=env(HOME=tmp, PYNTEST_CACHE_DIR=cache))
        log("$ %s (exit %d)" % (" ".join(prefix + [PYNTEST, m, "-j", "2"]),
                                p.returncode))

        class R:
            code = p.returncode
            out = p.stdout
            err = p.stderr
        all_passed(rep, R, 300, "unprivileged -j 2, run %d" % (i + 1))

elif PART == "alloc":
    if SANITIZED:
        skip("alloc: the sanitizer's allocator serves the test's malloc in "
             "a sanitized build (SIZE_MAX/4 is its error report, and no "
             "allocator hook records failures)")
    m = manifest("alloc", """suites:
  - name: alloc
    library: %s
    memory: 16GB
    tests:
      - name: handled
        function: fx_handled_alloc
        expect: fail
      - name: crash
        function: fx_alloc_then_crash
        expect: error
      - name: over
        function: fx_alloc_over_limit
        memory: 64MB
        expect: memory_limit
""" % LIB)
    providers = ["default"]
    if not SANITIZED and limiter_support("memory", "rlimit")[0]:
        providers.append("rlimit")
    for prov in providers:
        rep = os.path.join(tmp, "alloc-%s.xml" % prov)
        extra = {} if prov == "default" else {"PYNTEST_PROVIDERS": "memory=" + prov}
        r = run([m], report=rep, extra_env=extra)
        if not check(os.path.exists(rep), "%s: a report" % prov):
            show(r)
            continue
        _, cases = read_report(rep)
        c = cases.get("alloc.handled")
        check(c is not None and c.outcome == "fail",
              "%s: a handled SIZE_MAX/4 allocation, then a failed assertion: "
              "fail (got %s: %s)" % (prov, c and c.outcome, c and c.message))
        c = cases.get("alloc.crash")
        sig = c.props.get("pyntest.signal") if c else None
        check(c is not None and c.outcome == "error" and sig and "SEGV" in sig,
              "%s: a crash after a SIZE_MAX/4 allocation: the crash (got %s, "
              "signal %s: %s)" % (prov, c and c.outcome, sig, c and c.message))
        c = cases.get("alloc.over")
        check(c is not None and c.outcome == "memory_limit",
              "%s: 256 MB refused under 64 MB: memory_limit (got %s: %s)"
              % (prov, c and c.outcome, c and c.message))
        check(r.code == 0, "%s: every test as expected (exit %d)" % (prov, r.code))

elif PART == "mmap":
    if SANITIZED:
        skip("rlimit: ASan cannot run under RLIMIT_AS (sanitized build)")
    m = manifest("mmap", """suites:
  - name: mmap
    library: %s
    memory: 64MB
    tests:
      - name: touch
        function: fx_mmap_touch
        expect: memory_limit
""" % LIB)
    provs = [p for p in ("rlimit", "cgroup2") if limiter_support("memory", p)[0]]
    if not provs:
        skip("no memory provider here")
    for prov in provs:
        rep = os.path.join(tmp, "mmap-%s.xml" % prov)
        r = run([m], report=rep, extra_env={"PYNTEST_PROVIDERS": "memory=" + prov})
        _, cases = read_report(rep) if os.path.exists(rep) else (None, {})
        c = cases.get("mmap.touch")
        check(c is not None and c.outcome == "memory_limit",
              "%s: mmap 256 MB + touch under 64 MB: memory_limit (got %s: %s)"
              % (prov, c and c.outcome, c and c.message))

elif PART == "child_cgroup":
    if os.geteuid() != 0:
        skip("a child cgroup in the test's own needs root")
    provs = [p for p in ("cgroup2", "cgroup1") if limiter_support("memory", p)[0]]
    if not provs:
        skip("no cgroup memory provider here")
    smalls = "".join("""      - name: small%d
        function: fx_small
""" % i for i in range(4))
    m = manifest("child", """defaults:
  memory: 48MB
  isolation: %%s
suites:
  - name: child
    library: %s
    tests:
      - name: leaves
        function: fx_child_cgroup
        memory: 256MB
%s""" % (LIB, smalls))
    for iso in ("forkserver", "fork"):
        mi = os.path.join(tmp, "child-%s.yaml" % iso)
        with open(m) as f, open(mi, "w") as g:
            g.write(f.read().replace("%s", iso))
        rep = os.path.join(tmp, "child-%s.xml" % iso)
        r = run([mi, "-j", "1"], report=rep)
        _, cases = read_report(rep) if os.path.exists(rep) else (None, {})
        for i in range(4):
            c = cases.get("child.small%d" % i)
            check(c is not None and c.outcome == "pass" and c.time < scaled(1.0),
                  "%s: small%d after a test that left a child cgroup: pass, "
                  "its own wall time (got %s: %s, %.3f s)"
                  % (iso, i, c and c.outcome, c and c.message,
                     c.time if c else -1))
        check(r.code == 0, "%s: every test as expected (exit %d)" % (iso, r.code))
        if r.code != 0:
            show(r)

elif PART == "escape":
    ok, why = limiter_support("process_tree", "subreaper")
    if not ok:
        skip("the subreaper provider is not available here: " + why)
    m = manifest("escape", """suites:
  - name: escape
    library: %s
    terminate_child_processes: true
    tests:
      - name: join
        function: fx_join_runner_group
""" % LIB)
    for iso in ("forkserver", "fork", "spawn"):
        rep = os.path.join(tmp, "escape-%s.xml" % iso)
        r = run([m, "--isolation", iso], report=rep,
                extra_env={"PYNTEST_PROVIDERS": "process_tree=subreaper"})
        _, cases = read_report(rep) if os.path.exists(rep) else (None, {})
        c = cases.get("escape.join")
        left = c.props.get("pyntest.leftover_processes") if c else None
        check(c is not None and left == "1",
              "%s: a child in the runner's process group is a leftover "
              "(leftover_processes %s)" % (iso, left))
        check("left 1 process running" in r.out,
              "%s: the console says so\n%s" % (iso, r.out[-800:]))
        from pyn_e2e import processes_with_lib
        alive = wait_gone(processes_with_lib("libpyn_fx_providers", own=True))
        kill_all(alive)
        check(not alive, "%s: nothing of the test lives on (%s)" % (iso, alive))

elif PART == "sigxcpu":
    m = manifest("xcpu", """suites:
  - name: xcpu
    library: %s
    cpu_time: 2s
    tests:
      - name: raise
        function: fx_raise_sigxcpu
        expect: error
""" % LIB)
    for iso in ("forkserver", "fork", "spawn"):
        got = {}
        for i in range(8 if iso == "fork" else 3):
            rep = os.path.join(tmp, "xcpu-%s-%d.xml" % (iso, i))
            r = run([m, "--isolation", iso], report=rep)
            _, cases = read_report(rep) if os.path.exists(rep) else (None, {})
            c = cases.get("xcpu.raise")
            key = ("%s, signal %s: %s" % (c.outcome, c.props.get("pyntest.signal"),
                                           c.message) if c else "no report")
            got[key] = got.get(key, 0) + 1
        ok = list(got) and all(k.startswith("error, signal SIGXCPU")
                               for k in got)
        check(ok, "%s: raise(SIGXCPU) after 1 ms: error, killed by signal "
              "SIGXCPU, every run (got %s)" % (iso, got))

done()
