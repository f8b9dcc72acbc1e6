# SPDX-License-Identifier: MIT
"""e2e: tests built with sanitizers run through pyntest in every isolation
mode, as libraries and as unchanged CUnit programs, built by gcc and by
clang: a report makes the test an error typed by the tool, with the
report's SUMMARY line as the message and the report in <system-err>; a
leak belongs to the test that leaked; UBSan's recoverable report is never
a pass; an allocation ASan refuses under a memory limit, and a test
growing past it, are memory limits; the rlimit provider is refused; the
limits grow by the sanitizer's factors (docs/instruments.md).

Parts: gcc_library clang_library gcc_program clang_program tsan memory
scale.  The fixtures (san.c, san_main.c beside this script) are built
here, into a temporary directory, with the compiler the part names.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

from pyn_e2e import (check, done, limiter_support, need_tool,  # noqa: E402
                     part, read_report, require_pyntest, run, show, skip,
                     workdir)

MODES = ("fork", "spawn", "forkserver")
SRC = os.path.join(HERE, "san.c")
MAIN = os.path.join(HERE, "san_main.c")
PART = part(["gcc_library", "clang_library", "gcc_program", "clang_program",
             "tsan", "memory", "scale"])
SELF_SANITIZED = os.environ.get("PYN_SANITIZE", "")

require_pyntest()
tmp = workdir("pyn-san-")


def build(cc, flags, out, program):
    cmd = [need_tool(cc, cc if cc == "gcc" else "clang"), "-g", "-O0"] + flags
    if program:
        cmd += ["-o", out, SRC, MAIN]
    else:
        cmd += ["-shared", "-fPIC", "-o", out, SRC]
    cmd += ["-lcunit", "-lpthread"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        check(False, "build %s: %s\n%s" % (out, " ".join(cmd), p.stderr))
        done()
    return out


def library_manifest(lib, tests, extra="", wall="60s"):
    path = os.path.join(tmp, "m-%s.yaml" % os.path.basename(lib))
    with open(path, "w") as f:
        f.write("version: 1\ndefaults:\n  wall_time: %s\n%s"
                "suites:\n  - name: san\n    library: %s\n    tests: [%s]\n"
                % (wall, extra, lib, ", ".join("san_" + t for t in tests)))
    return path


def line(marker):
    with open(SRC) as f:
        for n, text in enumerate(f, 1):
            if "FX-LINE: " + marker in text:
                return n
    raise KeyError(marker)


def has_provider(limiter, provider):
    return limiter_support(limiter, provider)[0]


# What each test must end as: outcome, JUnit type, words of the message.
ASAN = {
    "pass": ("pass", None, []),
    "heap_overflow": ("error", "AddressSanitizer",
                      ["SUMMARY: AddressSanitizer: heap-buffer-overflow",
                       "san.c:%d" % line("heap_overflow")]),
    "use_after_free": ("error", "AddressSanitizer",
                       ["SUMMARY: AddressSanitizer: heap-use-after-free",
                        "san.c:%d" % line("use_after_free")]),
    "leak": ("error", "LeakSanitizer", ["40 byte(s) leaked"]),
    "after_leak": ("pass", None, []),
    "signed_overflow": ("error", "UndefinedBehaviorSanitizer",
                        ["san.c:%d" % line("signed_overflow")]),
}


if SELF_SANITIZED:
    # pyntest built with sanitizers checks no test's leaks (engine/submit.c).
    ASAN["leak"] = ("pass", None, [])


def check_cases(label, report, ids, expect):
    if not check(os.path.exists(report), "%s: report written" % label):
        return
    _, cases = read_report(report)
    for name, (outcome, jtype, words) in expect.items():
        c = cases.get(ids(name))
        if not check(c is not None, "%s: %s reported" % (label, ids(name))):
            continue
        ok = c.outcome == outcome and c.type == jtype and \
            all(w in c.message for w in words)
        check(ok, "%s: %s is %s/%s with %s (got %s/%s: %r)"
              % (label, name, outcome, jtype, words, c.outcome, c.type,
                 c.message))
        if jtype:
            check(c.stderr and "Sanitizer" in c.stderr and
                  "SUMMARY" in c.stderr or "runtime error" in (c.stderr or ""),
                  "%s: %s: the whole report in system-err" % (label, name))
            check(c.props.get("pyntest.sanitizers", "").find("Sanitizer") >= 0,
                  "%s: %s: pyntest.sanitizers property" % (label, name))


def run_modes(label, args, ids, expect, extra_env=None):
    for mode in MODES:
        rep = os.path.join(tmp, "%s-%s.xml" % (label, mode))
        r = run(args + ["--isolation", mode], report=rep, timeout=240,
                extra_env=extra_env)
        if not check(r.code == 1, "%s %s: exit 1 (got %d)"
                     % (label, mode, r.code)):
            show(r)
        check_cases("%s %s" % (label, mode), rep, ids, expect)


def clang_under_gcc_asan():
    # pyntest's own ASan build carries gcc's libasan: clang's runtime
    # cannot join it in one process.
    if "address" in SELF_SANITIZED:
        skip("pyntest is built with gcc's AddressSanitizer "
             "(PYN_SANITIZE=%s): clang's ASan runtime cannot share its "
             "processes" % SELF_SANITIZED)


if PART == "gcc_library":
    lib = build("gcc", ["-fsanitize=address,undefined"],
                os.path.join(tmp, "libsan_gcc.so"), False)
    m = library_manifest(lib, list(ASAN))
    run_modes("gcc library", [m], lambda n: "san.san_" + n, ASAN)
    # The user's own ASan settings: the runtime preloaded into pyntest
    # (which must not abort), the link-order check off (a silent pass
    # before).  The tests end the same.
    asan_rt = subprocess.run(["gcc", "-print-file-name=libasan.so"],
                             capture_output=True, text=True).stdout.strip()
    if not SELF_SANITIZED:
        run_modes("gcc library, user's LD_PRELOAD", [m],
                  lambda n: "san.san_" + n, ASAN,
                  extra_env={"LD_PRELOAD": os.path.realpath(asan_rt),
                             "ASAN_OPTIONS": "verify_asan_link_order=0"})
elif PART == "clang_library":
    clang_under_gcc_asan()
    lib = build("clang", ["-fsanitize=address,undefined", "-shared-libsan"],
                os.path.join(tmp, "libsan_clang.so"), False)
    run_modes("clang library", [library_manifest(lib, list(ASAN))],
              lambda n: "san.san_" + n, ASAN)
elif PART in ("gcc_program", "clang_program"):
    cc = PART.split("_")[0]
    if cc == "clang":
        clang_under_gcc_asan()
    prog = build(cc, ["-fsanitize=address,undefined"],
                 os.path.join(tmp, "prog_" + cc), True)
    expect = dict(ASAN)
    # A program's tests are PROGRAM.CUNIT_SUITE.TEST (docs/cunit.md).
    name = "prog_" + cc
    run_modes(cc + " program", [prog, "--filter", name + ".san.*"],
              lambda n: name + ".san." + n,
              {k: v for k, v in expect.items()},
              extra_env=None)
elif PART == "tsan":
    if SELF_SANITIZED:
        skip("pyntest is built with sanitizers (PYN_SANITIZE=%s): "
             "ThreadSanitizer cannot join another sanitizer's process"
             % SELF_SANITIZED)
    probe = build("gcc", ["-fsanitize=thread"],
                  os.path.join(tmp, "prog_tsan"), True)
    p = subprocess.run([probe], capture_output=True, text=True, timeout=120)
    if "ThreadSanitizer: data race" not in p.stderr:
        skip("ThreadSanitizer does not run on this machine: %s"
             % p.stderr.strip().splitlines()[-1:] if p.stderr else "no report")
    lib = build("gcc", ["-fsanitize=thread"],
                os.path.join(tmp, "libsan_tsan.so"), False)
    expect = {
        "pass": ("pass", None, []),
        "race": ("error", "ThreadSanitizer",
                 ["SUMMARY: ThreadSanitizer: data race", "san.c:"]),
    }
    run_modes("tsan library", [library_manifest(lib, list(expect))],
              lambda n: "san.san_" + n, expect)
elif PART == "memory":
    if not (has_provider("memory", "cgroup2") or
            has_provider("memory", "cgroup1")):
        skip("no cgroup memory provider here: ASan's memory limits need one")
    lib = build("gcc", ["-fsanitize=address,undefined"],
                os.path.join(tmp, "libsan_mem.so"), False)
    m = library_manifest(lib, ["pass", "big_alloc", "grow"],
                         extra="  memory: 64MB\n")
    expect = {
        "pass": ("pass", None, []),
        "big_alloc": ("memory_limit", "MemoryLimit",
                      ["exceeded memory limit", "allocation-size-too-big"]),
        "grow": ("memory_limit", "MemoryLimit", ["exceeded memory limit"]),
    }
    for mode in MODES:
        rep = os.path.join(tmp, "mem-%s.xml" % mode)
        r = run([m, "--isolation", mode], report=rep, timeout=240)
        check(r.code == 1, "memory %s: exit 1 (got %d)" % (mode, r.code))
        if not os.path.exists(rep):
            show(r)
        _, cases = read_report(rep)
        for name, (outcome, jtype, words) in expect.items():
            c = cases.get("san.san_" + name)
            check(c is not None and c.outcome == outcome and
                  c.type == jtype and all(w in c.message for w in words),
                  "memory %s: %s is %s with %s (got %s: %r)"
                  % (mode, name, outcome, words, c and c.outcome,
                     c and c.message))
    # RLIMIT_AS cannot hold ASan's shadow: refused, with the reason.
    if has_provider("memory", "rlimit"):
        rep = os.path.join(tmp, "mem-rlimit.xml")
        r = run([m], report=rep, extra_env={"PYNTEST_PROVIDERS":
                                            "memory=rlimit"})
        _, cases = read_report(rep)
        c = cases.get("san.san_pass")
        check(c is not None and c.outcome == "error" and
              c.type == "SetupError" and "rlimit provider" in c.message and
              "cgroup" in c.message,
              "rlimit provider refused with the reason (got %r)"
              % (c and c.message))
elif PART == "scale":
    lib = build("gcc", ["-fsanitize=address,undefined"],
                os.path.join(tmp, "libsan_scale.so"), False)
    m = library_manifest(lib, ["pass"], extra="  memory: 64MB\n"
                         "  cpu_time: 1s\n", wall="10s")
    r = run(["--list", "-v", m])
    check(r.out.strip() == "san.san_pass\t20.000\t2.000\t%d" % (192 << 20),
          "ASan: time x2, memory x3 in --list -v (got %r)" % r.out)
    r = run(["--list", "-v", m], extra_env={"PYNTEST_SANITIZER_SCALE": "1"})
    check(r.out.strip() == "san.san_pass\t10.000\t1.000\t%d" % (64 << 20),
          "PYNTEST_SANITIZER_SCALE=1: unscaled (got %r)" % r.out)
    r = run(["--list", "-v", m],
            extra_env={"PYNTEST_SANITIZER_SCALE": "4,2"})
    check(r.out.strip() == "san.san_pass\t40.000\t4.000\t%d" % (128 << 20),
          "PYNTEST_SANITIZER_SCALE=4,2 (got %r)" % r.out)
    r = run(["--list", "-v", m],
            extra_env={"PYNTEST_SANITIZER_SCALE": "fast"})
    check(r.code not in (0, 1) and "PYNTEST_SANITIZER_SCALE" in r.err,
          "a malformed PYNTEST_SANITIZER_SCALE is a usage error (got %d %r)"
          % (r.code, r.err))
    rep = os.path.join(tmp, "scale.xml")
    if has_provider("memory", "cgroup1") or \
            has_provider("memory", "cgroup2"):
        run([m], report=rep)
        _, cases = read_report(rep)
        c = cases.get("san.san_pass")
        check(c is not None and
              c.props.get("pyntest.limit_scale.time") == "2" and
              c.props.get("pyntest.limit_scale.memory") == "3" and
              c.props.get("pyntest.limit.wall_time_s") == "20.000" and
              c.props.get("pyntest.limit.memory_bytes") == str(192 << 20) and
              "AddressSanitizer" in c.props.get("pyntest.sanitizers", ""),
              "the report's properties show the scaling (got %r)"
              % (c and c.props))
done()
