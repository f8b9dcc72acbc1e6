# SPDX-License-Identifier: MIT
"""e2e: a fork server keeps to one CPU, its tests do not
(engine/worker_server.c, pin_server).

With more than one CPU to run on, in forkserver mode:
1. while a test runs, its fork server may run on exactly one of the
   runner's CPUs, and the test's process on all of the runner's CPUs;
2. with PYNTEST_PIN=0 the server keeps all of them;
3. with the runner given one CPU only (taskset), nothing is pinned and the
   tests pass.
"""
import os
import subprocess
import time

from pyn_e2e import (PYNTEST, check, done, env, log, processes_with_lib,
                     scaled, skip, workdir)

tmp = workdir()
LIB = "libpyn_fx_limits"

cpus = sorted(os.sched_getaffinity(0))
if len(cpus) < 2:
    skip("one CPU to run on: a fork server has nothing to keep to "
         "(cpus %s)" % cpus)

path = os.path.join(tmp, "pin.yaml")
with open(path, "w") as f:
    f.write("version: 1\nsuites:\n  - name: pin\n    library: %s\n"
            "    tests:\n" % LIB)
    for i in range(4):
        f.write("      - {name: t%d, function: fx_sleep_300ms}\n" % i)


def allowed(pid):
    """The CPUs PID may run on, or None when it is gone."""
    try:
        return sorted(os.sched_getaffinity(pid))
    except OSError:
        return None


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return []


def started(pid):
    """The start time of PID in clock ticks (its clones start later)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def watch(tag, extra=None, pre=()):
    """Run the suite; while its tests run: (server CPUs, [test CPUs])."""
    argv = list(pre) + [PYNTEST, "-j", "1", "--isolation", "forkserver",
                        "-q", path]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env(**(extra or {})))
    server, tests = None, {}
    deadline = time.monotonic() + scaled(10)
    while proc.poll() is None and time.monotonic() < deadline:
        # The server and its clones (the tests' processes) have its
        # command line; the server is the oldest of them.
        seen = []
        for pid in processes_with_lib(LIB, own=True):
            cpus_of, t0 = allowed(pid), started(pid)
            if cpus_of is not None and t0 is not None and \
                    b"--server" in cmdline(pid):
                seen.append((t0, pid, cpus_of))
        seen.sort()
        if seen:
            server = seen[0][2]
        # Tests' processes (those made ahead, at their gate, too): the
        # CPUs each had when last seen.
        tests.update((pid, c) for _, pid, c in seen[1:])
        time.sleep(0.05)
    out, err = proc.communicate(timeout=scaled(60))
    tests = sorted(tests.items())
    log("%s: exit %d, server on %s, tests on %s" %
        (tag, proc.returncode, server, [t[1] for t in tests]))
    check(proc.returncode == 0, "%s: the tests pass (exit %d: %s)" %
          (tag, proc.returncode, err.decode()[-300:]))
    return server, tests, proc


# ---- 1. the server on one CPU, the tests on all -------------------------
server, tests, _ = watch("pinned")
check(server is not None and len(server) == 1 and server[0] in cpus,
      "the fork server may run on one of the runner's CPUs (%s of %s)" %
      (server, cpus))
check(any(t[1] == cpus for t in tests),
      "a test's process runs on all of the runner's CPUs (%s)" %
      [t[1] for t in tests])

# ---- 2. PYNTEST_PIN=0 ------------------------------------------------------
server, _, _ = watch("PYNTEST_PIN=0", {"PYNTEST_PIN": "0"})
check(server == cpus, "PYNTEST_PIN=0: the server keeps the runner's CPUs "
      "(%s of %s)" % (server, cpus))

# ---- 3. one CPU given ------------------------------------------------------
one = [cpus[-1]]
server, tests, _ = watch("one CPU", pre=("taskset", "-c", str(one[0])))
check(server == one and all(t[1] == one for t in tests),
      "given one CPU, the server and the tests run on it (%s, %s)" %
      (server, [t[1] for t in tests]))

done()
