# SPDX-License-Identifier: MIT
"""e2e: a spawned worker (and a fork server) takes the runner's probe
results instead of probing the limiters again.  Each numbered check is a
part of its own (tests/e2e.cmake):

memory.PROVIDER (rlimit, cgroup1, cgroup2): the provider the runner chose
   is the one a test gets in spawn and forkserver mode, forced by
   `--provider memory=P` or PYNTEST_PROVIDERS: the memory fixtures are
   memory_limit with that provider's evidence (rlimit: the failed
   allocation; cgroups: the cgroup's peak near the limit), and 32 MiB
   under 64 MiB passes.  Skips when this machine or build cannot have P.
only_runner_probes: under strace, no process but the runner makes a
   probe cgroup or a cgroup run directory of its own; and the runner makes
   each worker with posix_spawn (a clone with CLONE_VFORK), not a fork of
   itself.  Skips only when strace cannot trace here.
plugin: a plug-in limiter still is loaded and applied in the spawned
   worker, with its provider forced on the command line.
"""
import os
import re
import subprocess

from pyn_e2e import (MEMORY_PROVIDERS, PYNTEST, check, done, env,
                     memory_provider_or_skip, part, read_report, run, show,
                     strace_or_skip, suite, workdir)

which = part(["memory." + p for p in MEMORY_PROVIDERS] +
             ["only_runner_probes", "plugin"])
tmp = workdir()


# ---- memory.PROVIDER: the runner's provider in the worker ---------------

def memory(prov):
    memory_provider_or_skip(prov)
    for mode in ("spawn", "forkserver"):
        for how in ("cli", "env"):
            tag = "%s/%s/%s" % (prov, mode, how)
            rep = os.path.join(tmp, "%s-%s-%s.xml" % (prov, mode, how))
            args = [suite("raw.yaml"), "-j", "1", "--isolation", mode,
                    "-k", "limits.mem_checked_abort", "-k", "limits.mem_32mb"]
            extra = {}
            if how == "cli":
                args += ["--provider", "memory=" + prov]
            else:
                extra["PYNTEST_PROVIDERS"] = "memory=" + prov
            r = run(args, report=rep, extra_env=extra)
            check(r.code == 1, "%s: exit 1 (got %d)" % (tag, r.code))
            if not check(os.path.exists(rep), "%s: report written" % tag):
                show(r)
                continue
            _, cases = read_report(rep)
            c = cases.get("limits.mem_checked_abort")
            if check(c is not None, "%s: mem_checked_abort reported" % tag):
                check(c.outcome == "memory_limit",
                      "%s: mem_checked_abort is memory_limit (got %s: %s)"
                      % (tag, c.outcome, c.message))
                peak = int(c.props.get("pyntest.peak_memory_bytes", "-1"))
                if prov == "rlimit":
                    # RLIMIT_AS: the failed allocation is the evidence.
                    check("allocation of" in (c.message or ""),
                          "%s: message names the failed allocation (%r)"
                          % (tag, c.message))
                else:
                    # The cgroup saw the pages touched up to its limit.
                    check(peak >= 48 << 20,
                          "%s: the cgroup's peak near the 64 MiB limit (%d)"
                          % (tag, peak))
            c = cases.get("limits.mem_32mb")
            if check(c is not None, "%s: mem_32mb reported" % tag):
                check(c.outcome == "pass", "%s: 32 MiB under 64 MiB passes (got %s: %s)"
                      % (tag, c.outcome, c.message))


# ---- only_runner_probes -------------------------------------------------

def only_runner_probes():
    strace = strace_or_skip()
    trace = os.path.join(tmp, "strace.txt")
    rep = os.path.join(tmp, "traced.xml")
    manifest = os.path.join(tmp, "three.yaml")
    with open(manifest, "w") as f:
        f.write("""version: 1
suites:
  - name: three
    library: libpyn_fx_basic
    tests:
      - { name: a, function: fx_pass }
      - { name: b, function: fx_pass }
      - { name: c, function: fx_pass }
""")
    argv = [strace, "-f", "-qq", "-e", "trace=execve,mkdir,clone,clone3", "-o", trace,
            PYNTEST, "-q", "-j", "1", "--isolation", "spawn", "-o", rep,
            manifest]
    # LeakSanitizer stops itself under ptrace: no leak check while traced.
    asan = os.environ.get("ASAN_OPTIONS", "")
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=300, env=env(ASAN_OPTIONS=(asan + ":" if asan else "")
                                            + "detect_leaks=0"))
    lines = open(trace).read().splitlines() if os.path.exists(trace) else []
    traced = bool(lines) and "execve(" in lines[0] and "= 0" in lines[0]
    check(p.returncode == 0, "traced run: 3 tests pass (exit %d)\n%s"
          % (p.returncode, p.stderr.decode("utf-8", "replace")[-1000:]))
    if check(traced, "strace traced the runner from its execve (%s)"
             % (lines[:1] or "no trace")):
        runner = lines[0].split()[0]
        workers = set()
        made = []  # (pid, path) of every mkdir
        vforks = 0  # the runner's clones that share its memory (posix_spawn)
        # strace -f splits a call that another process's output interrupts:
        # "PID execve(... <unfinished ...>" then "PID <... execve resumed>) = 0".
        # Join the halves, or a worker whose exec was interrupted is missed.
        pending = {}
        for line in lines:
            pid = line.split()[0]
            if line.endswith("<unfinished ...>"):
                pending[pid] = line[:-len("<unfinished ...>")]
                continue
            m = re.match(r"\S+\s+<\.\.\. \w+ resumed>(.*)$", line)
            if m and pid in pending:
                line = pending.pop(pid) + m.group(1)
            if "execve(" in line and "pyntest-worker" in line and "= 0" in line:
                workers.add(pid)
            if pid == runner and "clone" in line and "CLONE_VFORK" in line:
                vforks += 1
            m = re.search(r'mkdir\("([^"]+)"', line)
            if m:
                made.append((pid, m.group(1)))
        check(len(workers) == 3, "traced run spawned a worker per test (%d of 3)" % len(workers))
        # posix_spawn, not a fork of the runner (PYNTEST_SPAWN_FORK unset).
        check(vforks >= 3, "each worker made by posix_spawn (CLONE_VFORK): %d of 3"
              % vforks)
        own = [(pid, path) for pid, path in made if pid != runner and
               (re.search(r"probe-", path) or
                re.search(r"/pyntest-%s$" % re.escape(pid), path))]
        check(not own, "no worker makes probe cgroups or a run directory "
              "(%d did: %s)" % (len(own), own[:4]))
        check(any("probe-" in path for pid, path in made if pid == runner) or
              not made, "the runner itself probed (%d mkdirs)" % len(made))


# ---- plugin: plug-ins are still loaded, probed and applied in the worker

def plugin():
    # Set by tests/e2e.cmake.
    mod_dir = os.environ["PYN_MODULE_DIR"]
    lx_dir = os.environ["PYN_FIXTURE_LIMITER_DIR"]
    manifest = os.path.join(tmp, "plugin.yaml")
    with open(manifest, "w") as f:
        f.write("""version: 1
plugins:
  - max_files
suites:
  - name: plug
    library: libpyn_lx_plugins
    tests:
      - { name: free, function: lx_open_32_files }
      - name: limited
        function: lx_open_32_files
        limiters: { max_files: { count: 16 } }
""")
    for mode in ("spawn", "forkserver"):
        rep = os.path.join(tmp, "plugin-%s.xml" % mode)
        r = run(["-j", "1", "--isolation", mode, "--provider", "max_files=rlimit",
                 manifest], report=rep,
                extra_env={"PYNTEST_PLUGIN_PATH": mod_dir,
                           "PYNTEST_LIBRARY_PATH": lx_dir})
        check(r.code == 1, "plug-in/%s: exit 1 (got %d)" % (mode, r.code))
        if not check(os.path.exists(rep), "plug-in/%s: report written" % mode):
            show(r)
            continue
        _, cases = read_report(rep)
        c = cases.get("plug.free")
        check(c is not None and c.outcome == "pass",
              "plug-in/%s: 32 files without the limit pass (%s)"
              % (mode, c and (c.outcome, c.message)))
        c = cases.get("plug.limited")
        check(c is not None and c.outcome == "fail",
              "plug-in/%s: 32 files under max_files 16 fail (%s)"
              % (mode, c and (c.outcome, c.message)))


if which.startswith("memory."):
    memory(which[len("memory."):])
elif which == "only_runner_probes":
    only_runner_probes()
else:
    plugin()
done()
