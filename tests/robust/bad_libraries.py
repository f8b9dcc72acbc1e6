# SPDX-License-Identifier: MIT
"""robust: corrupt or hostile test libraries give a clear error, never a
runner crash (issue 4 §5).

Known statically (exit 4, FILE:LINE:COLUMN: error: ...): a file that is
not ELF, an AArch64 or i386 ELF (headers written here, just bytes), a
truncated ELF, a symbol that is data.  Known only by loading: a
constructor that crashes gives `error`, one that calls exit(3) gives
`fail`, each saying it happened while loading, in every isolation mode,
and the rest of the run completes.
"""
import os
import struct

from rb import manifest
from pyn_e2e import FIXTURES, XSD, check, done, read_report, run, show, validate, workdir

tmp = workdir()
REAL = os.path.join(FIXTURES, "libpyn_rb_fx.so")


def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def manifest_for(lib, function="rb_pass"):
    path = os.path.join(tmp, os.path.basename(lib) + ".yaml")
    with open(path, "w") as f:
        f.write("version: 1\nsuites:\n  - name: s\n    library: %s\n"
                "    tests: [%s]\n" % (lib, function))
    return path


def expect_manifest_error(what, lib, message, function="rb_pass", at="4:14"):
    m = manifest_for(lib, function)
    for mode in ("--check", None):
        args = [m] if mode is None else [mode, m]
        r = run(args)
        label = "%s (%s)" % (what, mode or "run")
        if not check(r.code == 4, "%s: exit 4 (got %d)" % (label, r.code)):
            show(r)
        want = "%s:%s: error: " % (m, at)
        check(want in r.err and message in r.err,
              "%s: says `%s` at %s\n     stderr: %s"
              % (label, message, at, r.err.strip()[:500]))


with open(REAL, "rb") as f:
    elf = f.read()

expect_manifest_error("not ELF", write("text.so", b"just some text, not a library\n"),
                      "not an ELF file")
expect_manifest_error("empty file", write("empty.so", b""), "not an ELF file")
# e_machine is the 16-bit field at offset 18 of the ELF header.
arm = bytearray(elf)
arm[18:20] = struct.pack("<H", 183)  # EM_AARCH64
expect_manifest_error("AArch64 ELF", write("arm.so", bytes(arm)),
                      "built for AArch64, not x86-64")
# An i386 shared object's header: ELFCLASS32, little-endian, EM_386.
i386 = (b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)
        + struct.pack("<HHIIIIIHHHHHH", 3, 3, 1, 0, 52, 0, 0, 52, 32, 0, 40, 0, 0))
expect_manifest_error("i386 ELF", write("i386.so", i386), "a 32-bit ELF file")
expect_manifest_error("truncated ELF", write("trunc.so", elf[:40]), "truncated ELF file")
expect_manifest_error("data symbol", REAL, "is data, not a function",
                      function="rb_data_symbol", at="5:13")

# Constructors that crash or exit: every isolation mode.
for mode in ("forkserver", "spawn", "fork"):
    rep = os.path.join(tmp, "ctor-%s.xml" % mode)
    r = run(["-j", "1", "--isolation", mode, manifest("ctor.yaml")], report=rep, timeout=60)
    if not check(r.code == 1, "%s: constructors: exit 1, the runner survived (got %d)"
                 % (mode, r.code)):
        show(r)
    if not check(os.path.exists(rep), "%s: report written" % mode):
        continue
    _, cases = read_report(rep)
    c = cases.get("ctor_crash.rb_ctor_crash_test")
    check(c is not None and c.outcome == "error" and "while loading" in c.message
          and "SIGSEGV" in c.message,
          "%s: crashing constructor: error, SIGSEGV while loading (%s: %s)"
          % (mode, c and c.outcome, c and c.message))
    c = cases.get("ctor_exit.rb_ctor_exit_test")
    check(c is not None and c.outcome == "fail" and "while loading" in c.message
          and "3" in c.message,
          "%s: exiting constructor: fail, exit status 3 while loading (%s: %s)"
          % (mode, c and c.outcome, c and c.message))
    c = cases.get("after.rb_pass")
    check(c is not None and c.outcome == "pass",
          "%s: the next suite still runs and passes (%s)" % (mode, c and c.outcome))
    ok, out = validate(rep, XSD)
    check(ok, "%s: report validates against pyntest-junit.xsd\n%s" % (mode, out[:800]))
done()
