# SPDX-License-Identifier: MIT
"""tests/e2e/fidelity.py - a test's process starts with what its own
program's run would give it (issue 18, "Fidelity"; docs/guarantees.md,
"What a test sees").

The probe of tests/fidelity records, at a suite's init and at a test's
start: errno, signal dispositions and mask, umask, cwd, the environment's
names, rlimits, locale, stdio buffering and the open fds.  In one
isolation mode (the part: fork, spawn, forkserver) this compares
  - a test library (`library:` with setup, `cunit:`) under pyntest with
    a fresh main() calling the same functions (fid_driver), and
  - the CUnit program fid_prog under `pyntest ./fid_prog` with its own
    run,
item by item.  What pyntest documents it adds is allowed, nothing else:
one fd, the result page (a memfd named pyntest-result), where a test may
call pyn_return().
"""
import os
import subprocess

from pyn_e2e import SANITIZED, check, done, env, part, run, show, workdir

FID = os.environ.get("PYN_FIDELITY_DIR") or os.path.join(
    os.environ.get("PYN_BINARY_DIR", "build"), "tests", "fidelity")

# What pyntest may add to a test's environment (docs/guarantees.md):
# nothing here, where the suites set no env: and TEST_TMPDIR is unset.
# A pyntest built with ASan (the project's own build-asan) preloads its
# sanitized CUnit shim into a program with its ASAN_OPTIONS: that build's
# own need, not a user's pyntest's.
def documented_env(name):
    return SANITIZED and name == "ASAN_OPTIONS"

# The one fd a test may find open beyond 0, 1 and 2 (docs/guarantees.md):
# the result page, where pyn_return() writes; its number varies.
def documented_fd(target):
    return target == "/memfd:pyntest-result (deleted)"


def read_probe(path):
    rows = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition(" ")
            rows.setdefault(key, []).append(value)
    return rows


def baseline(cmd, out, cwd):
    p = subprocess.run([cmd], stdin=subprocess.DEVNULL, capture_output=True,
                       env=env(PYN_FID_OUT=out), cwd=cwd)
    check(p.returncode == 0, "%s runs by itself (exit %d)"
          % (os.path.basename(cmd), p.returncode))


def compare(what, got_path, want_path):
    if not check(os.path.exists(got_path), "%s: recorded under pyntest" % what):
        return
    if not check(os.path.exists(want_path), "%s: recorded in its own run" % what):
        return
    got, want = read_probe(got_path), read_probe(want_path)
    # The one documented difference: pyntest's one-shot crash recorder on
    # the fault signals (SIGILL 4, SIGBUS 7, SIGFPE 8, SIGSEGV 11), which
    # says where a crash happened (docs/guarantees.md, "What a test sees").
    recorder = {"%d handled" % s for s in (4, 7, 8, 11)}
    got["signal"] = [v for v in got.get("signal", []) if v not in recorder]
    for key in ("errno", "signal", "blocked", "umask", "cwd", "rlimit",
                "locale", "stdout", "stderr"):
        g, w = sorted(got.get(key, [])), sorted(want.get(key, []))
        check(g == w, "%s: %s %s as in its own run\n  pyntest: %s\n  own:     %s"
              % (what, key, " ".join(g) or "(none)", g, w))
    genv = set(got.get("env", []))
    wenv = set(want.get("env", []))
    missing = sorted(wenv - genv)
    added = sorted(n for n in genv - wenv if not documented_env(n))
    check(not missing and not added,
          "%s: environment as in its own run, plus documented names only"
          "\n  missing: %s\n  added: %s" % (what, missing, added))
    gfd = {int(v.split(" ", 1)[0]): v for v in got.get("fd", [])}
    wfd = {int(v.split(" ", 1)[0]): v for v in want.get("fd", [])}
    for fd in (0, 1, 2):
        check(fd in gfd, "%s: fd %d open" % (what, fd))
    extra = sorted(v for fd, v in gfd.items()
                   if fd > 2 and fd not in wfd
                   and not documented_fd(v.split(" ", 1)[1]))
    check(sum(documented_fd(v.split(" ", 1)[1]) for v in gfd.values()) <= 1,
          "%s: at most one result page fd" % what)
    check(not extra, "%s: no fd of pyntest's open beyond the documented"
          "\n  extra: %s" % (what, extra))


def main():
    mode = part(["fork", "spawn", "forkserver"])
    cwd = workdir("pyn-fid-cwd-")
    lib = os.path.join(FID, "libfid_probe.so")
    manifest = os.path.join(cwd, "fid.yaml")
    with open(manifest, "w") as f:
        f.write("version: 1\nsuites:\n"
                "  - name: plain\n    library: %s\n    setup: fid_setup\n"
                "    tests: [fid_test]\n"
                "  - name: cu\n    library: %s\n    cunit: fid_suites\n"
                % (lib, lib))

    # A library under pyntest against a fresh main() calling it.
    own = workdir("pyn-fid-own-")
    baseline(os.path.join(FID, "fid_driver"), own, cwd)
    under = workdir("pyn-fid-lib-")
    r = run(["--isolation", mode, "-j", "2", manifest],
            extra_env={"PYN_FID_OUT": under}, cwd=cwd)
    if not check(r.code == 0, "the library's tests pass (exit %d)" % r.code):
        show(r)
    for tag in ("setup", "test", "init", "cu_test"):
        compare("library %s (%s)" % (tag, mode), os.path.join(under, tag),
                os.path.join(own, tag))

    # A CUnit program under pyntest against its own run.
    prog = os.path.join(FID, "fid_prog")
    own = workdir("pyn-fid-prog-own-")
    baseline(prog, own, cwd)
    under = workdir("pyn-fid-prog-")
    r = run(["--isolation", mode, prog], extra_env={"PYN_FID_OUT": under},
            cwd=cwd)
    if not check(r.code == 0, "the program's tests pass (exit %d)" % r.code):
        show(r)
    for tag in ("init", "cu_test"):
        compare("program %s (%s)" % (tag, mode), os.path.join(under, tag),
                os.path.join(own, tag))
    done()


main()
