# SPDX-License-Identifier: MIT
"""e2e: real TAP consumers read pyntest --format tap (docs/build-systems.md).

Installs this build into a temporary prefix, then writes a small project
from scratch: a test library (CUnit assertions, pyn_skip) and three
manifests, `good` (a pass, a skip, an expected failure), `bad` (a pass, a
failed assertion, a crash) and `skipped` (one skip).  Part `meson` builds
it with Meson and runs `meson test` (protocol: 'tap'); part `automake`
builds it with Autoconf/Automake/Libtool and runs `make check` through
Automake's tap-driver.sh.  Each checks the counts the consumer reports
and the result of every TAP line.  A part whose tools are missing skips
(77) and says which Debian packages bring them.
"""
import glob
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

from pyn_e2e import (BIN, check, done, env, log, part, require_pyntest,
                     scaled, skip, workdir)

which = part(["meson", "automake"])
require_pyntest()

TOOLS = {
    "meson": [("meson", "meson"), ("ninja", "ninja-build")],
    "automake": [("autoreconf", "autoconf"), ("automake", "automake"),
                 ("libtoolize", "libtool"), ("make", "make")],
}
missing = [pkg for tool, pkg in TOOLS[which] if not shutil.which(tool)]
if missing:
    skip("the %s consumer needs Debian packages %s (.ci/deps PYN_TEST_DEPS)"
         % (which, " ".join(missing)))
cmake = shutil.which("cmake")
if not cmake:
    log("FAIL cmake is not installed")
    raise SystemExit(1)

tmp = workdir("pyn-tap-consumer-")
prefix = os.path.join(tmp, "prefix")
p = subprocess.run([cmake, "--install", BIN, "--prefix", prefix],
                   capture_output=True, text=True)
if p.returncode:
    log(p.stdout + p.stderr)
    log("FAIL cmake --install")
    raise SystemExit(1)
pcdir = glob.glob(os.path.join(prefix, "lib*", "pkgconfig"))[0]

# The consumer's environment: nothing of the caller's pyntest set-up.
ENV = env(PKG_CONFIG_PATH=pcdir, PYNTEST_LIBRARY_PATH=None,
          PYNTEST_PLUGIN_PATH=None, MAKEFLAGS=None, MFLAGS=None)

TESTS_C = r"""/* tests.c - the consumer's tests: one void fn(void) each. */
#include <CUnit/CUnit.h>
#include <pyntest/test.h>

static int add(int a, int b)
{
	return a + b;
}

void test_add(void)
{
	CU_ASSERT_EQUAL(add(2, 2), 4);
}

void test_add_wrong(void)
{
	CU_ASSERT_EQUAL(add(2, 2), 5);
}

void test_needs_gpu(void)
{
	pyn_skip("no GPU here");
}

void test_known_bug(void)
{
	CU_ASSERT_EQUAL(add(1, 1), 3);
}

void test_crash(void)
{
	volatile int *p = 0;

	*p = 1;
}
"""

HEAD = "version: 1\ndefaults:\n  wall_time: 30s\nsuites:\n"
MANIFESTS = {
    "good": """  - name: good
    library: libmytests
    tests:
      - {name: add, function: test_add}
      - {name: gpu, function: test_needs_gpu}
      - {name: known_bug, function: test_known_bug, expect: fail}
""",
    "bad": """  - name: bad
    library: libmytests
    tests:
      - {name: add, function: test_add}
      - {name: add_wrong, function: test_add_wrong}
      - {name: crash, function: test_crash}
""",
    "skipped": """  - name: skipped
    library: libmytests
    tests:
      - {name: gpu, function: test_needs_gpu}
""",
}
# What each TAP line must become, by test id.
MESON_WANT = {"good.add": "ok", "good.gpu": "skipped", "good.known_bug": "ok",
              "bad.add": "ok", "bad.add_wrong": "failure", "bad.crash": "failure",
              "skipped.gpu": "skipped"}
AUTOMAKE_WANT = {"good.add": "PASS", "good.gpu": "SKIP", "good.known_bug": "XFAIL",
                 "bad.add": "PASS", "bad.add_wrong": "FAIL", "bad.crash": "FAIL",
                 "skipped.gpu": "SKIP"}

proj = os.path.join(tmp, "project")
os.makedirs(proj)
with open(os.path.join(proj, "tests.c"), "w") as f:
    f.write(TESTS_C)
for name, body in MANIFESTS.items():
    with open(os.path.join(proj, name + ".yaml"), "w") as f:
        f.write(HEAD + body)


def sh(argv, cwd, timeout=300):
    log("$ " + " ".join(argv))
    p = subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, text=True,
                       timeout=scaled(timeout))
    return p


def must(p, what):
    if p.returncode:
        log(p.stdout[-3000:] + p.stderr[-3000:])
        check(False, what + " (exit %d)" % p.returncode)
        done()


MESON_BUILD = """project('tapconsumer', 'c')
pyntest_dep = dependency('pyntest')
cunit_dep = dependency('cunit')
pyntest = find_program(pyntest_dep.get_variable(pkgconfig: 'pyntest'))
lib = shared_module('mytests', 'tests.c', name_prefix: 'lib',
                    dependencies: [pyntest_dep, cunit_dep])
env = {'PYNTEST_LIBRARY_PATH': meson.current_build_dir()}
foreach s : ['good', 'bad', 'skipped']
  test(s, pyntest, args: ['--format', 'tap', '-j', '2', files(s + '.yaml')],
       protocol: 'tap', env: env, depends: lib)
endforeach
"""

CONFIGURE_AC = """AC_INIT([tapconsumer], [1.0])
AC_CONFIG_AUX_DIR([build-aux])
AC_CONFIG_MACRO_DIRS([m4])
AM_INIT_AUTOMAKE([foreign -Wall -Werror])
AC_PROG_CC
AM_PROG_AR
LT_INIT([disable-static])
PKG_CHECK_MODULES([PYNTEST], [pyntest])
PKG_CHECK_MODULES([CUNIT], [cunit])
PKG_CHECK_VAR([PYNTEST], [pyntest], [pyntest])
PKG_CHECK_VAR([PYNTEST_LIBDIR], [pyntest], [libdir])
AC_REQUIRE_AUX_FILE([tap-driver.sh])
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
"""

MAKEFILE_AM = """ACLOCAL_AMFLAGS = -I m4
check_LTLIBRARIES = libmytests.la
libmytests_la_SOURCES = tests.c
libmytests_la_CFLAGS = $(PYNTEST_CFLAGS) $(CUNIT_CFLAGS)
libmytests_la_LIBADD = $(PYNTEST_LIBS) $(CUNIT_LIBS)
libmytests_la_LDFLAGS = -module -avoid-version -rpath $(abs_builddir) \\
	-Wl,-rpath,$(PYNTEST_LIBDIR)

TESTS = good.yaml bad.yaml skipped.yaml
LOG_COMPILER = $(PYNTEST)
AM_LOG_FLAGS = --format tap -j 2
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
AM_LOG_DRIVER_FLAGS = --ignore-exit
AM_TESTS_ENVIRONMENT = PYNTEST_LIBRARY_PATH='$(abs_builddir)/.libs'; \\
	export PYNTEST_LIBRARY_PATH;
EXTRA_DIST = $(TESTS)
"""


def tap_name(name):
    """'3 - good.add' (the TAP line's number and description) -> 'good.add'."""
    return re.sub(r"^\d+ - ", "", name or "")


if which == "meson":
    with open(os.path.join(proj, "meson.build"), "w") as f:
        f.write(MESON_BUILD)
    must(sh(["meson", "setup", "b"], proj), "meson setup")
    must(sh(["meson", "compile", "-C", "b"], proj), "meson compile")
    p = sh(["meson", "test", "-C", "b", "--num-processes", "1"], proj)
    log(p.stdout[-3000:])
    check(p.returncode == 1, "meson test fails, as `bad` failed (exit %d)" % p.returncode)
    counts = dict(re.findall(r"^(Ok|Expected Fail|Fail|Unexpected Pass|Skipped|Timeout):"
                             r"\s+(\d+)", p.stdout, re.M))
    check(counts == {"Ok": "1", "Expected Fail": "0", "Fail": "1",
                     "Unexpected Pass": "0", "Skipped": "1", "Timeout": "0"},
          "meson's summary: Ok 1, Fail 1, Skipped 1: %r" % counts)
    logs = os.path.join(proj, "b", "meson-logs")
    with open(os.path.join(logs, "testlog.txt"), errors="replace") as f:
        text = f.read()
    check("TAP parsing error" not in text and "UNKNOWN" not in text,
          "meson parsed every line (no TAP parsing error, no UNKNOWN)")
    got = {}
    root = ET.parse(os.path.join(logs, "testlog.junit.xml")).getroot()
    for ts in root.iter("testsuite"):
        for tc in ts.iter("testcase"):
            kind = "ok"
            for k in ("skipped", "failure", "error"):
                if tc.find(k) is not None:
                    kind = k
            got[tap_name(tc.get("name"))] = kind
    for tid, want in MESON_WANT.items():
        check(got.get(tid) == want, "meson: subtest %s is %s (%r)" % (tid, want, got.get(tid)))
    check(len(got) == len(MESON_WANT), "meson: %d subtests (%d)" % (len(MESON_WANT), len(got)))
else:
    with open(os.path.join(proj, "configure.ac"), "w") as f:
        f.write(CONFIGURE_AC)
    with open(os.path.join(proj, "Makefile.am"), "w") as f:
        f.write(MAKEFILE_AM)
    os.makedirs(os.path.join(proj, "m4"))
    must(sh(["autoreconf", "-fi"], proj), "autoreconf -fi")
    b = os.path.join(proj, "b")
    os.makedirs(b)
    must(sh(["../configure", "-q"], b), "configure")
    p = sh(["make", "check"], b)
    log(p.stdout[-2500:])
    check(p.returncode != 0, "make check fails, as bad.yaml failed (exit %d)" % p.returncode)
    try:
        with open(os.path.join(b, "test-suite.log"), errors="replace") as f:
            suite_log = f.read()
    except OSError:
        suite_log = ""
    totals = dict(re.findall(r"^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):\s+(\d+)",
                             suite_log, re.M))
    check(totals == {"TOTAL": "7", "PASS": "2", "SKIP": "2", "XFAIL": "1",
                     "FAIL": "2", "XPASS": "0", "ERROR": "0"},
          "test-suite.log: 7 = 2 PASS + 2 SKIP + 1 XFAIL + 2 FAIL: %r" % totals)
    got = {}
    for name in MANIFESTS:
        try:
            with open(os.path.join(b, name + ".yaml.log"), errors="replace") as f:
                for line in f:
                    m = re.match(r"^(PASS|SKIP|XFAIL|FAIL|XPASS|ERROR): \S+ (\d+ - \S+)",
                                 line)
                    if m:
                        got[tap_name(m.group(2))] = m.group(1)
        except OSError as e:
            check(False, "%s.yaml.log readable: %s" % (name, e))
        with open(os.path.join(b, name + ".yaml.trs")) as f:
            trs = f.read()
        want = sorted(v for k, v in AUTOMAKE_WANT.items() if k.startswith(name + "."))
        have = sorted(re.findall(r"^:test-result: (\S+)", trs, re.M))
        check(have == want, "%s.yaml.trs: %s (%s)" % (name, want, have))
    for tid, want in AUTOMAKE_WANT.items():
        check(got.get(tid) == want, "automake: %s is %s (%r)" % (tid, want, got.get(tid)))
done()
