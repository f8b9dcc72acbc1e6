# SPDX-License-Identifier: MIT
"""tests/e2e/coverage.py - coverage through pyntest (issue 18, "Coverage";
docs/instruments.md, "Coverage").

Builds the fixture of tests/coverage with coverage - part gcc: gcov
(`--coverage`), part clang: LLVM source-based (`-fprofile-instr-generate
-fcoverage-mapping`) - as a test library (`cunit: cov_suites`) and as the
CUnit program cov_prog.  Its four tests end each its own way (pass, fail,
failed _FATAL assertion, skip).  The program's own run (every test in one
process) is the baseline; under pyntest -j 2 in each isolation mode, the
library and the program must give the same line and branch totals of
cov_code.c and cov_tests.c: gcovr's (gcc), llvm-cov's (clang).  The
fixture is the user's code, built without the runner's sanitizers: in
the ASan build this checks that an ASan-built pyntest flushes it too.
"""
import glob
import json
import os
import shutil
import subprocess

from pyn_e2e import (SRC, check, done, env, log, part, read_report,
                     run, show, skip, workdir)

FIX = os.path.join(SRC, "tests", "coverage")
FILES = ("cov_code.c", "cov_tests.c")
MODES = ("fork", "spawn", "forkserver")
EXPECTED = {"cov.pass": "pass", "cov.fail": "fail", "cov.fatal": "fail",
            "cov.skip": "skipped"}


def sh(argv, cwd=None, extra=None):
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True,
                       env=env(**(extra or {})), stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        log("$ %s -> %d\n%s%s" % (" ".join(argv), p.returncode,
                                  p.stdout[-2000:], p.stderr[-2000:]))
    return p


def need(tool, why):
    path = shutil.which(tool)
    if not path:
        skip("%s is not installed (%s)" % (tool, why))
    return path


def build(cc, flags, out):
    """The library (out/lib/libcov.so) and the program (out/prog/cov_prog),
    each from its own objects; cov_skip.c without coverage."""
    paths = {}
    for kind in ("lib", "prog"):
        d = os.path.join(out, kind)
        os.makedirs(d)
        pic = ["-fPIC"] if kind == "lib" else []
        srcs = list(FILES) + ([] if kind == "lib" else ["cov_main.c"])
        objs = []
        for s in srcs + ["cov_skip.c"]:
            o = os.path.join(d, s[:-2] + ".o")
            cov = flags if s != "cov_skip.c" else []
            if sh([cc, "-c", "-g", "-O0"] + pic + cov + ["-o", o,
                   os.path.join(FIX, s)]).returncode != 0:
                return None
            objs.append(o)
        target = os.path.join(d, "libcov.so" if kind == "lib" else "cov_prog")
        link = [cc] + flags + (["-shared"] if kind == "lib" else []) + \
            ["-o", target] + objs + ["-lcunit"]
        if sh(link).returncode != 0:
            return None
        paths[kind] = target
    return paths


def outcomes(report):
    # A program's tests are named NAME.CUNIT_SUITE.TEST (docs/cunit.md):
    # compare by CUNIT_SUITE.TEST, as the library's are named.
    return {".".join(k.split(".")[-2:]): c.outcome
            for k, c in read_report(report)[1].items()}


def pyntest(mode, what, out, extra):
    report = os.path.join(out, "report-%s.xml" % mode)
    r = run(["--isolation", mode, "-j", "2", what], report=report,
            extra_env=extra)
    got = outcomes(report) if os.path.exists(report) else {}
    if not check(got == EXPECTED, "%s %s: every test ended as expected %s"
                 % (os.path.basename(what), mode, got)):
        show(r)


def gcovr_totals(objdir, out):
    summary = os.path.join(out, "summary.json")
    p = sh(["gcovr", "-r", FIX, "--json-summary", summary, objdir])
    if p.returncode != 0 or not os.path.exists(summary):
        return None
    with open(summary) as f:
        data = json.load(f)
    return {os.path.basename(e["filename"]):
            (e["line_covered"], e["line_total"],
             e["branch_covered"], e["branch_total"])
            for e in data["files"] if os.path.basename(e["filename"]) in FILES}


def clear_gcda(objdir):
    for g in glob.glob(os.path.join(objdir, "*.gcda")):
        os.unlink(g)


def llvm_totals(obj, profdir, out):
    raws = glob.glob(os.path.join(profdir, "*.profraw"))
    data = os.path.join(out, "merged.profdata")
    if not raws or sh(["llvm-profdata", "merge", "-o", data] + raws).returncode:
        return None
    p = sh(["llvm-cov", "export", "-summary-only", "-object", obj,
            "-instr-profile", data])
    if p.returncode != 0:
        return None
    totals = {}
    for f in json.loads(p.stdout)["data"][0]["files"]:
        name = os.path.basename(f["filename"])
        s = f["summary"]
        if name in FILES:
            totals[name] = (s["lines"]["covered"], s["lines"]["count"],
                            s["branches"]["covered"], s["branches"]["count"])
    return totals


def compare(what, got, want):
    check(got is not None and got == want,
          "%s: line and branch totals equal the one-process run's\n"
          "  got:  %s\n  want: %s" % (what, got, want))


def gcc_part(out):
    need("gcc", "gcov coverage")
    need("gcovr", "Debian gcovr")
    paths = build("gcc", ["--coverage"], out)
    if not check(paths is not None, "the fixture builds with --coverage"):
        return
    libdir, progdir = os.path.dirname(paths["lib"]), os.path.dirname(paths["prog"])
    sh([paths["prog"]])
    want = gcovr_totals(progdir, out)
    if not check(want and len(want) == 2 and all(v[0] for v in want.values()),
                 "the program's own run gives totals %s" % want):
        return
    clear_gcda(progdir)
    manifest = os.path.join(out, "cov.yaml")
    with open(manifest, "w") as f:
        f.write("version: 1\nsuites:\n  - name: cov\n    library: %s\n"
                "    cunit: cov_suites\n" % paths["lib"])
    for mode in MODES:
        pyntest(mode, manifest, out, None)
        compare("library, gcovr, %s" % mode, gcovr_totals(libdir, out), want)
        clear_gcda(libdir)
        pyntest(mode, paths["prog"], out, None)
        compare("program, gcovr, %s" % mode, gcovr_totals(progdir, out), want)
        clear_gcda(progdir)


def clang_part(out):
    need("clang", "LLVM coverage")
    need("llvm-profdata", "Debian llvm")
    need("llvm-cov", "Debian llvm")
    paths = build("clang", ["-fprofile-instr-generate", "-fcoverage-mapping"],
                  out)
    if not check(paths is not None, "the fixture builds with LLVM coverage"):
        return
    # The user's pattern, respected: one file per process (%p).
    def profdir(name):
        d = os.path.join(out, name)
        os.makedirs(d)
        return d, {"LLVM_PROFILE_FILE": os.path.join(d, "cov-%p.profraw")}
    d, e = profdir("own")
    sh([paths["prog"]], extra=e)
    want = llvm_totals(paths["prog"], d, out)
    if not check(want and len(want) == 2 and all(v[0] for v in want.values()),
                 "the program's own run gives totals %s" % want):
        return
    manifest = os.path.join(out, "cov.yaml")
    with open(manifest, "w") as f:
        f.write("version: 1\nsuites:\n  - name: cov\n    library: %s\n"
                "    cunit: cov_suites\n" % paths["lib"])
    for mode in MODES:
        d, e = profdir("lib-" + mode)
        pyntest(mode, manifest, out, e)
        compare("library, llvm-cov, %s" % mode,
                llvm_totals(paths["lib"], d, out), want)
        d, e = profdir("prog-" + mode)
        pyntest(mode, paths["prog"], out, e)
        compare("program, llvm-cov, %s" % mode,
                llvm_totals(paths["prog"], d, out), want)


def main():
    which = part(["gcc", "clang"])
    out = workdir("pyn-cov-")
    if which == "gcc":
        gcc_part(out)
    else:
        clang_part(out)
    done()


main()
