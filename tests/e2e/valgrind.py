# SPDX-License-Identifier: MIT
"""e2e: the runner itself is valgrind-clean (no memcheck errors, no
definite leaks) on the example suite and on the manifest paths: --check,
--list, a manifest error.

Only the pyntest process is checked (--trace-children=no): test code is
the user's.  Valgrind 3.19 (Debian 12) does not know pidfd_open; the
engine then watches its children through SIGCHLD, so the example suite
must still give every real outcome under valgrind.
"""
import os
import subprocess

from pyn_e2e import (BIN, PYNTEST, SANITIZED, SRC, SUITES, check, done, env, log,
                     need_tool, read_report, require_pyntest, scaled, skip,
                     workdir)

if SANITIZED:
    skip("valgrind cannot run an ASan build")
vg = need_tool("valgrind", "valgrind")
require_pyntest()
tmp = workdir()

with open(os.path.join(SRC, "examples", "suite.yaml")) as f:
    text = f.read()
example = os.path.join(tmp, "suite.yaml")
with open(example, "w") as f:
    f.write(text.replace("../build/examples/libarith",
                         os.path.join(BIN, "examples", "libarith")))

VG = [vg, "-q", "--error-exitcode=99", "--leak-check=full", "--trace-children=no",
      "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite"]


def vg_run(what, args, codes):
    argv = VG + [PYNTEST] + args
    log("$ " + " ".join(argv))
    p = subprocess.run(argv, capture_output=True, text=True, env=env(), timeout=scaled(300),
                       stdin=subprocess.DEVNULL)
    errs = [ln for ln in p.stderr.splitlines() if ln.startswith("==")]
    check(p.returncode != 99 and not errs,
          "%s: no memcheck errors or definite leaks\n%s" % (what, "\n".join(errs[:60])))
    check(p.returncode in codes, "%s: exit %s (got %d)" % (what, codes, p.returncode))
    if "unhandled amd64-linux syscall: 434" in p.stderr:
        log("note: this valgrind does not know pidfd_open (434)")


vg_run("--check", ["--check", os.path.join(SUITES, "outcomes.yaml")], (0,))
vg_run("--list", ["--list", example], (0,))
vg_run("manifest error", [os.path.join(SUITES, "bad", "unknown_key.yaml")], (4,))
vg_run("example run", ["-j", "2", "-o", os.path.join(tmp, "report.xml"), example], (1,))
# The outcomes the README documents for the example suite: the tests ran
# for real under a valgrind'ed runner (no SetupError from pidfd_open).
WANT = {
    "test_add": "pass", "test_div": "pass", "test_parse": "pass",
    "test_sub": "fail", "test_parse_null": "error",
    "test_factorial_negative": "wall_timeout", "test_spin": "cpu_timeout",
    "test_cache_grows": "memory_limit", "test_on_big_machine": "skipped",
    "spin_is_stopped": "cpu_timeout", "huge_table_is_refused": "memory_limit",
    "hang_is_stopped": "wall_timeout", "test_rejects_bad_input": "error",
    "test_exit_code": "fail",
}
rep = os.path.join(tmp, "report.xml")
if check(os.path.exists(rep), "example run: report written"):
    _, cases = read_report(rep)
    got = {c.name: c.outcome for c in cases.values()}
    check(got == WANT, "example run: every outcome as without valgrind\n     want %s\n"
          "     got  %s" % (WANT, got))
    setup = [c.id for c in cases.values() if c.type == "SetupError"]
    check(not setup, "example run: no SetupError (%s)" % setup)
done()
