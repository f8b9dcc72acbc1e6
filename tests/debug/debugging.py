# SPDX-License-Identifier: MIT
"""tests/debug/debugging.py PART - debugging a test through pyntest
(docs/instruments.md, "Debugging"), on the fixture tests/debug/debug_fx.c
(libpyn_fx_debug, built with -g -O0) and the manifest debug.yaml:

  foreground   --debug ID: one test, no timers, the terminal's stdin and
               stdout, the runner's process group; the exit code is the
               test's; anything but exactly one test is a usage error
  gdb          gdb -batch stops at a breakpoint in the test's function
  rr           rr record, then rr replay, of pyntest --debug (skips with
               rr's own error where rr cannot record on this CPU)
  wrapper      --wrapper 'valgrind ...' and the manifest's `wrapper`: an
               invalid read that passes plain is an error of type
               Valgrind; a clean test stays pass
  crash_where  a crash names the function and file:line, in every
               isolation mode; a test's own SIGSEGV handler still runs
  core_dumps   --core-dumps keeps the core and names it in the report
"""
import os
import re
import resource
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
import pyn_e2e as E  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(HERE, "debug.yaml")
FIXTURE = os.path.join(E.FIXTURES, "libpyn_fx_debug.so")


def line_of(marker):
    """The line of 'FX-LINE:MARKER' in debug_fx.c."""
    with open(os.path.join(HERE, "debug_fx.c")) as f:
        for n, text in enumerate(f, 1):
            if "FX-LINE:" + marker in text:
                return n
    raise AssertionError("no FX-LINE:%s in debug_fx.c" % marker)


def pyntest(args, stdin=None, cwd=None, timeout=120, preexec=None):
    """Run pyntest ARGS with INPUT (bytes) on its stdin; return
    (exit code, stdout, stderr)."""
    E.require_pyntest()
    p = subprocess.run([E.PYNTEST] + args, input=stdin,
                       stdin=None if stdin is not None else subprocess.DEVNULL,
                       capture_output=True, env=E.env(), cwd=cwd,
                       timeout=E.scaled(timeout), preexec_fn=preexec)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    E.log("$ pyntest %s  (exit %d)" % (" ".join(args), p.returncode))
    return p.returncode, out, err


def foreground():
    d = E.workdir()
    report = os.path.join(d, "r.xml")
    # stdin is the runner's: the test reads what was piped in.
    code, out, err = pyntest(["--debug", "dbg.dbg_stdin", "-o", report,
                              MANIFEST], stdin=b"hello\n")
    E.check(code == 0, "--debug dbg.dbg_stdin reads the runner's stdin "
            "(exit %d)\n%s%s" % (code, out, err))
    # Plain, stdin is /dev/null: the same test fails.
    code, out, err = pyntest(["-k", "dbg.dbg_stdin", MANIFEST],
                             stdin=b"hello\n")
    E.check(code == 1, "without --debug its stdin is /dev/null (exit %d)"
            % code)
    # Output goes straight to the terminal, not into the report.
    code, out, err = pyntest(["--debug", "dbg.dbg_pass", "-o", report,
                              MANIFEST])
    E.check(code == 0 and "dbg_pass says hello" in out,
            "--debug: the test's stdout is the runner's\n" + out + err)
    _, cases = E.read_report(report)
    c = cases.get("dbg.dbg_pass")
    E.check(c is not None and c.outcome == "pass" and not (c.stdout or ""),
            "--debug: the report has the outcome, no captured output")
    # The runner's process group (a terminal's signals reach the test).
    code, out, err = pyntest(["--debug", "dbg.dbg_same_group", MANIFEST])
    E.check(code == 0, "--debug: the test is in the runner's process group"
            "\n" + out + err)
    code, out, err = pyntest(["-k", "dbg.dbg_same_group", MANIFEST])
    E.check(code == 1, "without --debug it has a group of its own")
    # No timer: a test over its wall_time passes in the foreground.
    code, out, err = pyntest(["--debug", "slow.dbg_sleep", MANIFEST])
    E.check(code == 0, "--debug: no wall-time limit\n" + out + err)
    code, out, err = pyntest(["-k", "slow.dbg_sleep", MANIFEST])
    E.check(code == 1 and "wall" in out.lower(),
            "without --debug the same test times out\n" + out)
    # The exit code still says the outcome.
    code, out, err = pyntest(["--debug", "dbg.dbg_crash", "-o", report,
                              MANIFEST])
    _, cases = E.read_report(report)
    c = cases.get("dbg.dbg_crash")
    E.check(code == 1 and c is not None and c.outcome == "error"
            and "SIGSEGV" in c.message,
            "--debug of a crashing test: error, exit 1 (exit %d)\n%s"
            % (code, out))
    # Exactly one test.
    code, out, err = pyntest(["--debug", "dbg.*", MANIFEST])
    E.check(code == 4 and "exactly one test" in err
            and "selects 6" in err,
            "--debug of a glob of six tests: usage error\n" + err)
    code, out, err = pyntest(["--debug", "dbg.nope", MANIFEST])
    E.check(code == 4 and "selects 0" in err,
            "--debug of an unknown id: usage error\n" + err)


def gdb():
    gdb_path = E.need_tool("gdb", "gdb")
    argv = [gdb_path, "-nx", "-batch",
            "-ex", "set debuginfod enabled off",
            "-ex", "set breakpoint pending on",
            "-ex", "set follow-fork-mode child",
            "-ex", "break dbg_parse_header",
            "-ex", "run",
            "-ex", "bt",
            "-ex", "continue",
            "--args", E.PYNTEST, "--debug", "dbg.dbg_pass", MANIFEST]
    E.log("$ " + " ".join(argv))
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                       env=E.env(DEBUGINFOD_URLS=""),
                       timeout=E.scaled(120))
    out = p.stdout.decode("utf-8", "replace") + \
        p.stderr.decode("utf-8", "replace")
    E.check(re.search(r"Breakpoint 1, dbg_parse_header \(h=", out)
            is not None,
            "gdb stops at the breakpoint in the test's function\n"
            + out[-3000:])
    E.check(re.search(r"#1 .* dbg_pass \(\) at .*debug_fx\.c:\d+", out)
            is not None,
            "its backtrace shows the test function with file:line\n"
            + out[-3000:])
    E.check("1 passed" in out,
            "after continue the runner reports the test passed\n"
            + out[-3000:])


def rr():
    rr_path = E.need_tool("rr", "rr")
    d = E.workdir()
    probe = subprocess.run([rr_path, "record", "-o",
                            os.path.join(d, "probe"), "/bin/true"],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=E.scaled(60))
    if probe.returncode != 0:
        E.skip("rr cannot record here: " +
               (probe.stderr.strip() or probe.stdout.strip() or
                "exit %d" % probe.returncode))
    trace = os.path.join(d, "trace")
    argv = [rr_path, "record", "-o", trace, E.PYNTEST, "--debug",
            "dbg.dbg_pass", MANIFEST]
    E.log("$ " + " ".join(argv))
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, env=E.env(), timeout=E.scaled(180))
    E.check(p.returncode == 0 and "1 passed" in p.stdout,
            "rr record pyntest --debug: the test passes (exit %d)\n%s%s"
            % (p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
    argv = [rr_path, "replay", "-a", trace]
    E.log("$ " + " ".join(argv))
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=E.scaled(180))
    E.check(p.returncode == 0 and "dbg_pass says hello" in p.stdout
            and "1 passed" in p.stdout,
            "rr replay -a replays the test and the report (exit %d)\n%s%s"
            % (p.returncode, p.stdout[-2000:], p.stderr[-2000:]))


def wrapper():
    valgrind = E.need_tool("valgrind", "valgrind")
    if E.SANITIZED:
        E.skip("valgrind cannot run the sanitizer-built pyntest-worker "
               "(PYN_SANITIZE=%s)" % os.environ.get("PYN_SANITIZE"))
    d = E.workdir()
    report = os.path.join(d, "r.xml")
    line = line_of("invalid_read")
    sel = ["-k", "dbg.dbg_invalid_read", "-k", "dbg.dbg_pass"]
    # Plain, the invalid read goes unnoticed.
    code, out, err = pyntest(sel + ["-o", report, MANIFEST])
    _, cases = E.read_report(report)
    E.check(code == 0 and cases["dbg.dbg_invalid_read"].outcome == "pass",
            "plain, the invalid read passes\n" + out)
    for iso in ("forkserver", "fork", "spawn"):
        code, out, err = pyntest(
            sel + ["--isolation", iso, "--wrapper",
                   valgrind + " -q --error-exitcode=99", "-o", report,
                   MANIFEST], timeout=240)
        _, cases = E.read_report(report)
        bad = cases["dbg.dbg_invalid_read"]
        E.check(code == 1 and bad.outcome == "error"
                and bad.type == "Valgrind"
                and "Invalid read of size 4 at dbg_invalid_read "
                    "(debug_fx.c:%d)" % line in bad.message,
                "--isolation %s --wrapper valgrind: the invalid read is an "
                "error of type Valgrind naming it\n%s %s %r"
                % (iso, bad.outcome, bad.type, bad.message))
        E.check(cases["dbg.dbg_pass"].outcome == "pass",
                "--isolation %s --wrapper valgrind: the clean test passes"
                % iso)
        E.check("Invalid read of size 4" in (bad.stderr or ""),
                "valgrind's whole report is in the test's system-err")
    # The manifest key, inherited, and null in one test.
    m = os.path.join(d, "w.yaml")
    with open(m, "w") as f:
        f.write("version: 1\n"
                "defaults:\n"
                "  wrapper: valgrind --error-exitcode=99\n"
                "suites:\n"
                "  - name: dbg\n"
                "    library: %s\n"
                "    tests:\n"
                "      - dbg_invalid_read\n"
                "      - {name: dbg_pass, wrapper: null}\n" % FIXTURE)
    code, out, err = pyntest(["-o", report, m], timeout=240)
    _, cases = E.read_report(report)
    bad, good = cases["dbg.dbg_invalid_read"], cases["dbg.dbg_pass"]
    E.check(bad.outcome == "error" and bad.type == "Valgrind"
            and "ERROR SUMMARY: 1 errors" in bad.message,
            "manifest `wrapper:`: error with valgrind's summary\n%r"
            % bad.message)
    E.check(good.outcome == "pass" and "Memcheck" not in (good.stderr or ""),
            "`wrapper: null` in a test: it runs without valgrind")
    code, out, err = pyntest(["--wrapper", "", "-o", report, m])
    _, cases = E.read_report(report)
    E.check(code == 0 and cases["dbg.dbg_invalid_read"].outcome == "pass",
            "--wrapper '' turns the manifest's wrapper off\n" + out)
    # A bad value is a manifest error at its line.
    with open(m, "w") as f:
        f.write("version: 1\nsuites:\n  - name: s\n    library: %s\n"
                "    wrapper: [valgrind]\n    tests: [dbg_pass]\n" % FIXTURE)
    code, out, err = pyntest(["--check", m])
    E.check(code == 4 and "w.yaml:5:" in err and "'wrapper' must be" in err,
            "wrapper: a list is refused at its place\n" + err)


def crash_where():
    d = E.workdir()
    report = os.path.join(d, "r.xml")
    line = line_of("crash")
    for iso in ("forkserver", "fork", "spawn"):
        code, out, err = pyntest(["--isolation", iso, "-k", "dbg.dbg_crash",
                                  "-k", "dbg.dbg_own_handler", "-o", report,
                                  MANIFEST])
        _, cases = E.read_report(report)
        c = cases["dbg.dbg_crash"]
        want = "SIGSEGV (Segmentation fault) in dbg_parse_header " \
               "(debug_fx.c:%d)" % line
        E.check(c.outcome == "error" and c.type == "Signal"
                and want in c.message,
                "--isolation %s: the crash names function and file:line\n%r"
                % (iso, c.message))
        E.check(cases["dbg.dbg_own_handler"].outcome == "pass",
                "--isolation %s: a test's own SIGSEGV handler runs "
                "(it passes)" % iso)
    # Without addr2line the message still names the library.
    bare = E.workdir()
    env_path = bare
    p = subprocess.run([E.PYNTEST, "-k", "dbg.dbg_crash", "-o", report,
                        MANIFEST], stdin=subprocess.DEVNULL,
                       capture_output=True, env=E.env(PATH=env_path),
                       timeout=E.scaled(60))
    _, cases = E.read_report(report)
    msg = cases["dbg.dbg_crash"].message
    E.check(re.search(r"SIGSEGV \(Segmentation fault\) in "
                      r"libpyn_fx_debug\.so\+0x[0-9a-f]+$", msg) is not None,
            "no addr2line: the library and offset (exit %d)\n%r"
            % (p.returncode, msg))


def core_dumps():
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    if hard == 0:
        E.skip("RLIMIT_CORE's hard limit is 0 here: no process may dump core")
    with open("/proc/sys/kernel/core_pattern") as f:
        pattern = f.read().strip()
    d = E.workdir()
    report = os.path.join(d, "r.xml")

    def soft_zero():
        resource.setrlimit(resource.RLIMIT_CORE, (0, hard))

    # As most users have it: the soft limit 0.  No core, no property.
    code, out, err = pyntest(["-k", "dbg.dbg_crash", "-o", report, MANIFEST],
                             cwd=d, preexec=soft_zero)
    _, cases = E.read_report(report)
    c = cases["dbg.dbg_crash"]
    E.check("pyntest.core_file" not in c.props and "core" not in c.message,
            "without --core-dumps no core is named\n%r" % c.message)
    code, out, err = pyntest(["--core-dumps", "-k", "dbg.dbg_crash", "-o",
                              report, MANIFEST], cwd=d, preexec=soft_zero)
    _, cases = E.read_report(report)
    c = cases["dbg.dbg_crash"]
    if pattern.startswith("|"):
        E.check("core dumped, not found: core_pattern pipes cores to"
                in c.message,
                "--core-dumps with a piped core_pattern says where it went"
                "\n%r" % c.message)
        E.done()
    path = c.props.get("pyntest.core_file")
    E.check(path is not None and os.path.isfile(path)
            and ("core dumped: " + path) in c.message,
            "--core-dumps: the core file is named (property and message)"
            "\n%r %r" % (path, c.message))
    if path and os.path.isfile(path):
        with open(path, "rb") as f:
            head = f.read(18)
        E.check(head[:4] == b"\x7fELF" and head[16] == 4,
                "the named file is an ELF core")
        os.unlink(path)


PARTS = {
    "foreground": foreground,
    "gdb": gdb,
    "rr": rr,
    "wrapper": wrapper,
    "crash_where": crash_where,
    "core_dumps": core_dumps,
}

if __name__ == "__main__":
    PARTS[E.part(list(PARTS))]()
    E.done()
