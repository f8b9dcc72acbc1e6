# SPDX-License-Identifier: MIT
"""tests/robust/rb.py - what the robustness scripts share beyond
tests/e2e/pyn_e2e.py (imported from there)."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get(
    "PYN_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))), "tests", "e2e"))

from pyn_e2e import (PYNTEST, XSD, check, env, kill_all, log,  # noqa: E402
                     read_report, scaled, validate, wait_gone)

HERE = os.path.dirname(os.path.abspath(__file__))


def manifest(name):
    return os.path.join(HERE, name)


def read_pids(path):
    try:
        with open(path) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def start_sleepers(report, pidfile):
    """pyntest -j 2 on sleepers.yaml, its report at `report`: two tests,
    each a tree of four sleeping processes whose pids go to `pidfile`."""
    if os.path.exists(pidfile):
        os.unlink(pidfile)
    argv = [PYNTEST, "-j", "2", "-o", report, manifest("sleepers.yaml")]
    log("$ " + " ".join(argv))
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env(PYN_RB_PIDFILE=pidfile))


def wait_pids(p, pidfile, n=8, seconds=20.0):
    """The pids in `pidfile` once there are `n` (or p ended, or the scaled
    `seconds` passed)."""
    deadline = time.monotonic() + scaled(seconds)
    while time.monotonic() < deadline and p.poll() is None:
        pids = read_pids(pidfile)
        if len(pids) >= n:
            return pids
        time.sleep(0.02)
    return read_pids(pidfile)


def finish(p, seconds=10):
    """p's stdout and stderr as text, once it ended (killed after the
    scaled `seconds`)."""
    try:
        out, err = p.communicate(timeout=scaled(seconds))
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    return out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def check_interrupted(label, p, pids, report, err):
    """A run of start_sleepers() that an interrupt ended, as it must end:
    exit 2, none of `pids` left (the script kills what is), and a whole
    report that validates, with both tests interrupted."""
    check(p.returncode == 2, "%s: exit 2 (got %s)\n%s" % (label, p.returncode, err[-600:]))
    left = wait_gone(pids, 2.0)
    check(not left, "%s: none of the %d processes left (left %s)" % (label, len(pids), left))
    kill_all(left)
    if check(os.path.exists(report), "%s: report written" % label):
        _, cases = read_report(report)
        got = sorted((k, c.outcome) for k, c in cases.items())
        check(got == [("tree.one", "interrupted"), ("tree.two", "interrupted")],
              "%s: both tests interrupted (%s)" % (label, got))
        ok, out = validate(report, XSD)
        check(ok, "%s: report validates\n%s" % (label, out[:800]))
