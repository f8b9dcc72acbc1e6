# SPDX-License-Identifier: MIT
"""tests/e2e/pyn_e2e.py - shared helpers of the end-to-end tests.

Each e2e script runs the real pyntest (PYNTEST, set by tests/e2e.cmake) on
manifests of tests/suites with the fixture libraries of tests/objects on
PYNTEST_LIBRARY_PATH, and checks exit code, console output and report.
Run by Debian's /usr/bin/python3 (junitparser is a Debian package).

A script skips by printing why and exiting 77 (ctest SKIP_RETURN_CODE):
skip(why).  A part that may have to skip where the rest can run is a part
of its own (part(), tests/e2e.cmake PARTS), so that a skip never hides
what the rest checked.  A tool a Debian package of .ci/deps provides is
never a reason to skip: need_tool() fails without it.

Time thresholds are scaled(seconds): PYN_TEST_TIMEOUT_MULTIPLIER (set by
ctest) times the figure.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

SKIP = 77
SRC = os.environ.get("PYN_SOURCE_DIR",
                     os.path.dirname(os.path.dirname(os.path.dirname(
                         os.path.abspath(__file__)))))
BIN = os.environ.get("PYN_BINARY_DIR", os.path.join(SRC, "build"))
PYNTEST = os.environ.get("PYNTEST", os.path.join(BIN, "bin", "pyntest"))
FIXTURES = os.environ.get("PYN_FIXTURE_DIR", os.path.join(BIN, "tests", "objects"))
SUITES = os.path.join(SRC, "tests", "suites")
SANITIZED = bool(os.environ.get("PYN_SANITIZE", ""))
try:
    MULTIPLIER = max(float(os.environ.get("PYN_TEST_TIMEOUT_MULTIPLIER", "1")), 1.0)
except ValueError:
    MULTIPLIER = 1.0
XSD = os.path.join(SRC, "runner", "report", "schema", "pyntest-junit.xsd")
STRICT_XSD = os.path.join(SRC, "runner", "report", "schema", "pyntest-junit-strict.xsd")

failures = []
_dirs = []  # temporary folders: removed on success, kept to look at on failure


def log(msg):
    print(msg, flush=True)


def skip(why):
    log("SKIP: " + why)
    for d in _dirs:
        shutil.rmtree(d, ignore_errors=True)
    sys.exit(SKIP)


def scaled(seconds):
    """A time threshold of SECONDS times PYN_TEST_TIMEOUT_MULTIPLIER: slack
    for a loaded machine or a sanitized build, never the limit under test
    itself."""
    return seconds * MULTIPLIER


def part(names):
    """The part of the script to run: its one argument, one of NAMES
    (tests/e2e.cmake registers each as e2e.SCRIPT.PART)."""
    if len(sys.argv) != 2 or sys.argv[1] not in names:
        log("usage: %s PART, PART one of: %s"
            % (os.path.basename(sys.argv[0]), " ".join(names)))
        sys.exit(2)
    log("part: " + sys.argv[1])
    return sys.argv[1]


def need_tool(name, package):
    """The path of the program NAME, which .ci/deps installs (Debian's
    PACKAGE): without it the test fails, it never skips."""
    path = shutil.which(name)
    if not path:
        log("FAIL %s is not installed: apt-get install %s (.ci/deps "
            "PYN_TEST_DEPS lists it)" % (name, package))
        sys.exit(1)
    return path


def strace_or_skip():
    """strace's path; skips (77) when it cannot trace here (ptrace
    refused: a container's seccomp or Yama policy)."""
    path = need_tool("strace", "strace")
    p = subprocess.run([path, "-f", "-qq", "-o", os.devnull, "true"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if p.returncode != 0:
        skip("strace cannot trace here (exit %d): %s"
             % (p.returncode, p.stderr.strip()[-300:]))
    return path


def check(cond, what):
    """Record a failed check and go on, so one run shows every problem.
    Lines of WHAT after the first are details, shown only on failure."""
    if cond:
        log("ok   " + what.split("\n", 1)[0])
    else:
        log("FAIL " + what)
        failures.append(what)
    return cond


def done():
    if failures:
        log("\n%d check(s) failed:" % len(failures))
        for f in failures:
            log("  - " + f)
        log("kept for a look: " + " ".join(_dirs))
        sys.exit(1)
    for d in _dirs:
        shutil.rmtree(d, ignore_errors=True)
    log("\nall checks passed")
    sys.exit(0)


def require_pyntest():
    if not os.access(PYNTEST, os.X_OK):
        log("FAIL pyntest not built: %s" % PYNTEST)
        sys.exit(1)


# The duration cache orders tests by earlier runs: keep each script's runs
# apart from the user's cache and from other scripts.  Made at first use.
_cache = []


def cache_dir():
    if not _cache:
        _cache.append(workdir("pyn-e2e-cache-"))
    return _cache[0]


# Every process this script's runs start carries it in its environment:
# the fixtures' processes of scripts ctest runs beside this one do not.
MARK = "PYN_E2E_MARK=%d.%d" % (os.getpid(), time.time_ns())


PARTITION_VARS = (
    "TEST_TOTAL_SHARDS", "TEST_SHARD_INDEX", "TEST_SHARD_STATUS_FILE",
    "GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX", "GTEST_SHARD_STATUS_FILE",
    "CI_NODE_TOTAL", "CI_NODE_INDEX", "CIRCLE_NODE_TOTAL",
    "CIRCLE_NODE_INDEX", "BUILDKITE_PARALLEL_JOB_COUNT",
    "BUILDKITE_PARALLEL_JOB", "JOB_COMPLETION_INDEX")


def env(**extra):
    e = dict(os.environ)
    k, v = MARK.split("=", 1)
    e[k] = v
    e["PYNTEST_CACHE_DIR"] = cache_dir()
    old = e.get("PYNTEST_LIBRARY_PATH")
    e["PYNTEST_LIBRARY_PATH"] = FIXTURES + (":" + old if old else "")
    e.pop("XML_OUTPUT_FILE", None)
    # The CI system's fan-out variables would shard every run of a script
    # (a script that wants them passes them in `extra`).
    for k in PARTITION_VARS:
        e.pop(k, None)
    e["NO_COLOR"] = "1"
    for k, v in extra.items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    return e


class Run:
    def __init__(self, args, proc, out, err, report, seconds):
        self.args = args
        self.code = proc.returncode
        self.out = out
        self.err = err
        self.report = report
        self.seconds = seconds

    def __repr__(self):
        return "pyntest %s -> %d" % (" ".join(self.args), self.code)


def workdir(prefix="pyn-e2e-"):
    d = tempfile.mkdtemp(prefix=prefix)
    _dirs.append(d)
    return d


def run(args, report=None, timeout=300, extra_env=None, cwd=None):
    """Run pyntest ARGS (with -o REPORT when given); return a Run.  The
    TIMEOUT (seconds) is scaled()."""
    require_pyntest()
    argv = [PYNTEST]
    if report:
        argv += ["-o", report]
    argv += args
    t0 = time.monotonic()
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=scaled(timeout), env=env(**(extra_env or {})),
                          cwd=cwd)
    secs = time.monotonic() - t0
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    r = Run(args, proc, out, err, report, secs)
    log("$ %s  (exit %d, %.2f s)" % (" ".join(argv), r.code, secs))
    return r


def show(r, limit=4000):
    log("--- stdout ---\n" + r.out[-limit:])
    log("--- stderr ---\n" + r.err[-limit:])


def suite(name):
    return os.path.join(SUITES, name)


# ---- The report -------------------------------------------------------

class Case:
    """One <testcase>, read with xml.etree."""

    def __init__(self, suite_name, el):
        self.suite = suite_name
        self.el = el
        self.name = el.get("name")
        self.classname = el.get("classname")
        self.time = float(el.get("time", "nan"))
        self.props = {p.get("name"): p.get("value")
                      for p in el.findall("./properties/property")}
        self.failure = el.find("failure")
        self.error = el.find("error")
        self.skipped = el.find("skipped")
        so = el.find("system-out")
        se = el.find("system-err")
        self.stdout = (so.text or "") if so is not None else None
        self.stderr = (se.text or "") if se is not None else None

    @property
    def id(self):
        """The test's id: classname.name (an imported CUnit test's
        classname is SUITE.CUNIT_SUITE, docs/cunit.md "Names")."""
        return "%s.%s" % (self.classname or self.suite, self.name)

    @property
    def outcome(self):
        return self.props.get("pyntest.outcome")

    @property
    def verdict(self):
        """What JUnit says: pass, failure, error or skipped."""
        if self.failure is not None:
            return "failure"
        if self.error is not None:
            return "error"
        if self.skipped is not None:
            return "skipped"
        return "pass"

    @property
    def problem(self):
        return next((e for e in (self.failure, self.error, self.skipped)
                     if e is not None), None)

    @property
    def message(self):
        p = self.problem
        return "" if p is None else (p.get("message") or "")

    @property
    def type(self):
        p = self.problem
        return None if p is None else p.get("type")

    @property
    def text(self):
        p = self.problem
        return "" if p is None else (p.text or "")


def read_report(path):
    """Return (root, {id: Case}) from a JUnit report."""
    tree = ET.parse(path)
    root = tree.getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    cases = {}
    for s in suites:
        for c in s.findall("testcase"):
            case = Case(s.get("name"), c)
            cases[case.id] = case
    return root, cases


def validate(report, xsd):
    """xmllint --schema; returns (ok, output)."""
    p = subprocess.run(["xmllint", "--noout", "--schema", xsd, report],
                       capture_output=True, text=True)
    return p.returncode == 0, p.stdout + p.stderr


def shared_dir():
    """../shared beside the clone (CI has it, a user's clone has not), or None."""
    for d in (os.environ.get("PYN_SHARED_DIR"),
              os.path.join(os.path.dirname(SRC), "shared")):
        if d and os.path.isfile(os.path.join(d, "junit", "validate.sh")):
            return d
    return None


def fixture_line(source, marker):
    """Line number of the 'FX-LINE:marker' comment in tests/objects/SOURCE."""
    path = os.path.join(SRC, "tests", "objects", source)
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if "FX-LINE:" + marker in line:
                return n
    raise KeyError(marker)


# ---- Memory providers ---------------------------------------------------

MEMORY_PROVIDERS = ("rlimit", "cgroup1", "cgroup2")


def cgroup1_memory():
    """A writable cgroup v1 memory controller."""
    d = "/sys/fs/cgroup/memory"
    return os.path.isfile(os.path.join(d, "memory.limit_in_bytes")) and \
        os.access(d, os.W_OK)


def cgroup2_memory():
    """A writable cgroup v2 hierarchy with the memory controller."""
    for root in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
        try:
            with open(os.path.join(root, "cgroup.controllers")) as f:
                if "memory" in f.read().split() and os.access(root, os.W_OK):
                    return True
        except OSError:
            pass
    return False


def limiter_support(limiter, provider):
    """What `pyntest --limiters` says of LIMITER with PROVIDER forced:
    (True, "") or (False, why)."""
    require_pyntest()
    p = subprocess.run([PYNTEST, "--provider", "%s=%s" % (limiter, provider),
                        "--limiters"], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, env=env())
    for line in p.stdout.splitlines():
        f = line.split(None, 3)
        if len(f) == 4 and f[0] == limiter:
            return f[3] == "yes", "" if f[3] == "yes" else f[3]
    return False, "pyntest --limiters does not list %s (exit %d): %s" \
        % (limiter, p.returncode, (p.stdout + p.stderr)[-300:])


def memory_provider_or_skip(prov):
    """Skip (77) unless this machine and build can test memory provider
    PROV.  A cgroup provider runs when either this script or pyntest
    itself finds it usable, so that a wrong probe fails the test instead
    of skipping it."""
    if prov == "rlimit":
        if SANITIZED:
            skip("rlimit: ASan cannot run under RLIMIT_AS (sanitized build)")
        return
    have = cgroup1_memory() if prov == "cgroup1" else cgroup2_memory()
    ok, why = limiter_support("memory", prov)
    if not have and not ok:
        skip("%s: no writable cgroup %s memory controller here; pyntest "
             "says: %s" % (prov, "v1" if prov == "cgroup1" else "v2", why))


# ---- Processes --------------------------------------------------------

def processes_with_lib(substr, own=False):
    """PIDs of processes that have a file mapped whose path contains SUBSTR;
    with OWN, only those of this script's runs (MARK in their environment),
    not those of another script ctest runs at the same time."""
    found = []
    me = os.getpid()
    mark = MARK.encode() + b"\0"
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == me:
            continue
        try:
            with open("/proc/%s/maps" % pid) as f:
                if substr not in f.read():
                    continue
            if own:
                with open("/proc/%s/environ" % pid, "rb") as f:
                    if mark not in f.read():
                        continue
            found.append(int(pid))
        except OSError:
            pass
    return found


def pid_alive(pid):
    """True if PID exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return False
    state = st[st.rindex(")") + 2]
    return state not in "ZX"


def wait_gone(pids, seconds=3.0):
    """The PIDS still alive after SECONDS (scaled)."""
    deadline = time.monotonic() + scaled(seconds)
    left = [p for p in pids if pid_alive(p)]
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = [p for p in left if pid_alive(p)]
    return left


def kill_all(pids):
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


def matches(pattern, text):
    return re.search(pattern, text or "") is not None
