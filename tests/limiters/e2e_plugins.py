# SPDX-License-Identifier: MIT
"""e2e: the example plug-ins, an out-of-tree plug-in and the fixture
plug-ins loaded by the real pyntest from a manifest: each example bites
(the same test passes without it), a plug-in built against the older
struct loads, a plug-in whose apply() fails or crashes gives that test
`error` and the run goes on.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.environ["PYN_SOURCE_DIR"], "tests", "e2e"))
from pyn_e2e import check, done, log, read_report, run, show, workdir  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
tmp = workdir()
rep = os.path.join(tmp, "plugins.xml")
plugin_path = ":".join([os.environ["PYN_MODULE_DIR"],
                        os.environ["PYN_FIXTURE_LIMITER_DIR"],
                        os.path.dirname(os.environ["PYN_TEST_OOT_PLUGIN"])])
r = run(["-j", "1", os.path.join(HERE, "plugins.yaml")], report=rep,
        extra_env={"PYNTEST_PLUGIN_PATH": plugin_path,
                   "PYNTEST_LIBRARY_PATH": os.environ["PYN_FIXTURE_LIMITER_DIR"]})
check(r.code == 1, "exit 1: some tests fail (got %d)" % r.code)
if not check(os.path.exists(rep), "report written"):
    show(r)
    done()
_, cases = read_report(rep)


def outcome(tid, want, msg_part=None):
    c = cases.get(tid)
    if not check(c is not None, "%s reported" % tid):
        return None
    check(c.outcome == want, "%s is %s (got %s: %s)" % (tid, want, c.outcome, c.message))
    if msg_part is not None:
        check(msg_part in (c.message or ""), "%s message has %r (got %r)"
              % (tid, msg_part, c.message))
    return c


for t in ("files", "forks", "write", "net"):
    outcome("free." + t, "pass")
outcome("limited.files", "fail")
outcome("limited.files_oot", "fail")
outcome("limited.write", "error", "exceeded file size limit 1.0 MiB")
c = outcome("limited.forks", "fail")
if c is not None:
    check(int(c.props.get("pyntest.max_procs.hit", "0")) >= 1,
          "limited.forks has pyntest.max_procs.hit (%r)" % c.props.get("pyntest.max_procs.hit"))
if "not permitted" in r.err or "no_network" in r.err and "unsupported" in r.err:
    log("SKIP limited.net: no_network unsupported here")
else:
    outcome("limited.net", "fail")
outcome("limited.failing_apply", "error", "fixture: apply refused on purpose")
c = outcome("limited.crashing_apply", "error")
if c is not None:
    check("fixture_crashing_apply" in (c.message or ""),
          "crashing apply names the limiter (%r)" % c.message)
outcome("limited.after_crash", "pass")


def running(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


# A setsid + double-fork grandchild leaves nothing behind, under each
# process_tree provider.
for prov in ("cgroup2", "subreaper"):
    pidfile = os.path.join(tmp, "escape-%s.pid" % prov)
    rep = os.path.join(tmp, "escape-%s.xml" % prov)
    r = run(["-j", "1", "-k", "escape.*", os.path.join(HERE, "plugins.yaml")],
            report=rep,
            extra_env={"PYNTEST_PLUGIN_PATH": plugin_path,
                       "PYNTEST_LIBRARY_PATH": os.environ["PYN_FIXTURE_LIMITER_DIR"],
                       "PYNTEST_PROVIDERS": "process_tree=" + prov,
                       "PYN_LX_PIDFILE": pidfile})
    if not check(r.code == 0 and os.path.exists(pidfile),
                 "%s: escape test ran and passed (exit %d)" % (prov, r.code)):
        show(r)
        continue
    with open(pidfile) as f:
        pid = int(f.read())
    alive = running(pid)
    check(not alive, "%s: the setsid'd grandchild %d is gone" % (prov, pid))
    if alive:
        os.kill(pid, 9)
    _, cases = read_report(rep)
    c = cases.get("escape.leaves_nothing")
    if check(c is not None and c.outcome == "pass", "%s: escape.leaves_nothing passes" % prov):
        check(c.props.get("pyntest.leftover_processes") == "1",
              "%s: one leftover process counted (%r)"
              % (prov, c.props.get("pyntest.leftover_processes")))
done()
