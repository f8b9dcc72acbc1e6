# SPDX-License-Identifier: MIT
"""e2e: the example plug-ins, an out-of-tree plug-in and the fixture
plug-ins loaded by the real pyntest from a manifest: each example bites
(the same test passes without it), a plug-in built against the older
struct loads, a plug-in whose apply() fails or crashes gives that test
`error` and the run goes on.

Parts (tests/limiters.cmake), each of which may skip here: `plugins`
(all of the above but no_network), `no_network` (needs a network
namespace), `escape.cgroup2` and `escape.subreaper` (a setsid'd
grandchild is killed under that process_tree provider).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ["PYN_SOURCE_DIR"], "tests", "e2e"))
from pyn_e2e import (PYNTEST, check, done, env, limiter_support, part,  # noqa: E402
                     read_report, require_pyntest, run, show, skip, workdir)

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(HERE, "plugins.yaml")
which = part(("plugins", "no_network", "escape.cgroup2", "escape.subreaper"))
tmp = workdir()
plugin_path = ":".join([os.environ["PYN_MODULE_DIR"],
                        os.environ["PYN_FIXTURE_LIMITER_DIR"],
                        os.path.dirname(os.environ["PYN_TEST_OOT_PLUGIN"])])
ENV = {"PYNTEST_PLUGIN_PATH": plugin_path,
       "PYNTEST_LIBRARY_PATH": os.environ["PYN_FIXTURE_LIMITER_DIR"]}
cases = {}


def plugin_support(name):
    """(True, "") or (False, why), from `pyntest --limiters MANIFEST`."""
    require_pyntest()
    p = subprocess.run([PYNTEST, "--limiters", MANIFEST], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, env=env(**ENV))
    for line in p.stdout.splitlines():
        f = line.split(None, 3)
        if len(f) == 4 and f[0] == name:
            return f[3] == "yes", "" if f[3] == "yes" else f[3]
    return False, "not listed by pyntest --limiters (exit %d)" % p.returncode


def run_manifest(tag, args):
    """Run plugins.yaml with ARGS; fill `cases` from its report."""
    rep = os.path.join(tmp, tag + ".xml")
    r = run(["-j", "1"] + args + [MANIFEST], report=rep, extra_env=ENV)
    if not check(os.path.exists(rep), "%s: report written" % tag):
        show(r)
        done()
    cases.update(read_report(rep)[1])
    return r


def outcome(tid, want, msg_part=None):
    c = cases.get(tid)
    if not check(c is not None, "%s reported" % tid):
        return None
    check(c.outcome == want, "%s is %s (got %s: %s)" % (tid, want, c.outcome, c.message))
    if msg_part is not None:
        check(msg_part in (c.message or ""), "%s message has %r (got %r)"
              % (tid, msg_part, c.message))
    return c


def plugins():
    r = run_manifest("plugins", ["-k", "free.*", "-k", "limited.*",
                                 "-k", "!limited.net"])
    check(r.code == 1, "exit 1: some tests fail (got %d)" % r.code)
    for t in ("files", "forks", "write", "net"):
        outcome("free." + t, "pass")
    outcome("limited.files", "fail")
    outcome("limited.files_oot", "fail")
    outcome("limited.write", "error", "exceeded file size limit 1.0 MiB")
    c = outcome("limited.forks", "fail")
    if c is not None:
        check(int(c.props.get("pyntest.max_procs.hit", "0")) >= 1,
              "limited.forks has pyntest.max_procs.hit (%r)"
              % c.props.get("pyntest.max_procs.hit"))
    outcome("limited.failing_apply", "error", "fixture: apply refused on purpose")
    c = outcome("limited.crashing_apply", "error")
    if c is not None:
        check("fixture_crashing_apply" in (c.message or ""),
              "crashing apply names the limiter (%r)" % c.message)
    outcome("limited.after_crash", "pass")


def no_network():
    # A network namespace, by util-linux's unshare(1) or by pyntest's own
    # probe: either one, and the test runs.
    own = subprocess.run(["unshare", "-n", "true"], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True)
    ok, why = plugin_support("no_network")
    if own.returncode != 0 and not ok:
        skip("no_network: no network namespace here (unshare -n: %s); "
             "pyntest says: %s" % (own.stderr.strip()[-200:], why))
    r = run_manifest("no_network", ["-k", "free.net", "-k", "limited.net"])
    check(r.code == 1, "exit 1: limited.net fails (got %d)" % r.code)
    outcome("free.net", "pass")
    outcome("limited.net", "fail")


def running(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


# A setsid + double-fork grandchild leaves nothing behind, under a
# process_tree provider.
def escape(prov):
    ok, why = limiter_support("process_tree", prov)
    if not ok:
        skip("process_tree %s unsupported here: %s" % (prov, why))
    pidfile = os.path.join(tmp, "escape-%s.pid" % prov)
    rep = os.path.join(tmp, "escape-%s.xml" % prov)
    r = run(["-j", "1", "-k", "escape.*", MANIFEST], report=rep,
            extra_env=dict(ENV, PYNTEST_PROVIDERS="process_tree=" + prov,
                           PYN_LX_PIDFILE=pidfile))
    if not check(r.code == 0 and os.path.exists(pidfile),
                 "%s: escape test ran and passed (exit %d)" % (prov, r.code)):
        show(r)
        return
    with open(pidfile) as f:
        pid = int(f.read())
    alive = running(pid)
    check(not alive, "%s: the setsid'd grandchild %d is gone" % (prov, pid))
    if alive:
        os.kill(pid, 9)
    _, got = read_report(rep)
    c = got.get("escape.leaves_nothing")
    if check(c is not None and c.outcome == "pass", "%s: escape.leaves_nothing passes" % prov):
        check(c.props.get("pyntest.leftover_processes") == "1",
              "%s: one leftover process counted (%r)"
              % (prov, c.props.get("pyntest.leftover_processes")))


if which == "plugins":
    plugins()
elif which == "no_network":
    no_network()
else:
    escape(which[len("escape."):])
done()
