# SPDX-License-Identifier: MIT
"""e2e: the acceptance tester's config/runner defects stay fixed.

Each check runs the real pyntest on a small manifest written here and
wants exit 4 with the exact first error line (and, where something could
run, that nothing did):

1. a control character in a test or suite name is a located error;
2. a misspelt plug-in option is reported at its key, like other keys;
3. a plug-in that is no ELF file gets the plan's message, not libltdl's;
4. time limits below 1 ms are refused (manifest and command line);
5. -j / --retries say their range;
6. output_limit: 0 names the output limit;
7. a library, plug-in or program that is a directory says so;
8. a report path that cannot be written is a usage error before any test.
"""
import os

from pyn_e2e import check, done, require_pyntest, run, workdir

require_pyntest()
tmp = workdir()
noenv = {"PYNTEST_PLUGIN_PATH": None}


def manifest(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return name


def first_err(r):
    return r.err.splitlines()[0] if r.err else ""


def expect_error(args, want, what):
    """Exit 4, `want` as the first stderr line, no test ran."""
    r = run(args, cwd=tmp, extra_env=noenv)
    got = first_err(r)
    check(r.code == 4 and got == want,
          "%s: exit 4 and the message (got %d)\n     want %r\n     got  %r"
          % (what, r.code, want, got))
    check("passed" not in r.out and "failed" not in r.out,
          "%s: nothing ran\n%s" % (what, r.out))
    return r


SUITE = ("suites:\n  - name: s\n    library: libpyn_fx_basic\n"
         "    tests: [fx_pass]\n")

# 1. Control characters in names.
m = manifest("ctl.yaml", "suites:\n  - name: s\n    library: libpyn_fx_basic\n"
             "    tests:\n      - {name: \"x\\u0001y\", function: fx_pass}\n"
             "      - {name: \"x\\u0002y\", function: fx_pass}\n")
expect_error([m, "--list"],
             "ctl.yaml:5:16: error: test name 'x\\x01y' contains a control character (U+0001)",
             "control character in a test name")
m = manifest("ctl2.yaml", "suites:\n  - name: \"a\\nb\"\n    library: libpyn_fx_basic\n"
             "    tests: [fx_pass]\n")
expect_error([m], "ctl2.yaml:2:11: error: suite name 'a\\nb' contains a control character (U+000A)",
             "newline in a suite name")

# 2. A misspelt plug-in option, at its key.
m = manifest("plo.yaml", "plugins: [max_files]\n" + SUITE +
             "    limiters:\n      max_files: {cnt: 16}\n")
expect_error([m], "plo.yaml:7:19: error: limiter 'max_files' has no option 'cnt'; did you mean 'count'?",
             "unknown plug-in option at the key")
m = manifest("plv.yaml", "plugins: [max_files]\n" + SUITE +
             "    limiters:\n      max_files: {count: many}\n")
r = run([m, "--check"], cwd=tmp, extra_env=noenv)
check(r.code == 4 and first_err(r).startswith("plv.yaml:7:26: error: limiter 'max_files': "),
      "a bad option value stays at the value (got %d)\n%s" % (r.code, r.err))

# 3. A plug-in that is not ELF.
with open(os.path.join(tmp, "notelf.so"), "w") as f:
    f.write("garbage\n")
m = manifest("ne.yaml", "plugins: [notelf]\n" + SUITE)
expect_error([m], "ne.yaml:1:11: error: cannot use plug-in 'notelf': not an ELF file",
             "a plug-in that is not ELF")

# 4. Time limits below the 1 ms resolution.
for key, value, col, name in (("wall_time", "0.4ms", 16, "wall time"),
                              ("cpu_time", "0.1ms", 15, "CPU time"),
                              ("wall_time", "0.0001", 16, "wall time")):
    m = manifest("tl.yaml", SUITE + "    %s: %s\n" % (key, value))
    expect_error([m], "tl.yaml:5:%d: error: %s limit '%s' is below the 1 ms resolution"
                 % (col, name, value), "%s: %s" % (key, value))
m = manifest("ok.yaml", SUITE)
for opt in ("--wall-time", "--cpu-time"):
    expect_error([m, opt, "0.4ms"],
                 "pyntest: error: option '%s': time limit '0.4ms' is below the 1 ms resolution" % opt,
                 "%s 0.4ms" % opt)
r = run([m, "--list", "-v", "--wall-time", "1ms"], cwd=tmp, extra_env=noenv)
check(r.code == 0 and r.out == "s.fx_pass\t0.001\t0.000\t0\n",
      "1 ms is accepted and shown (got %d)\n%r" % (r.code, r.out))

# 5. Ranges of -j and --retries.
expect_error([m, "-j", "10000"],
             "pyntest: error: option '-j/--jobs' needs a whole number from 1 to 4096, not '10000'",
             "-j 10000")
expect_error([m, "--retries", "100000"],
             "pyntest: error: option '--retries' needs a whole number from 0 to 1000, not '100000'",
             "--retries 100000")

# 6. Each limit's message names its key.
for key, value, col, want in (
        ("output_limit", "0", 19, "output limit '0' must be positive (use null for no limit)"),
        ("memory", "0", 13, "memory limit '0' must be positive (use null for no limit)"),
        ("wall_time", "-1", 16, "wall time limit '-1' must be positive (use null for no limit)"),
        ("cpu_time", "0", 15, "CPU time limit '0' must be positive (use null for no limit)")):
    m = manifest("lim.yaml", SUITE + "    %s: %s\n" % (key, value))
    expect_error([m], "lim.yaml:5:%d: error: %s" % (col, want), "%s: %s" % (key, value))

# 7. Directories where files belong.
os.mkdir(os.path.join(tmp, "m2"))
os.mkdir(os.path.join(tmp, "pdir.so"))
m = manifest("dir.yaml", "suites:\n  - name: s\n    library: m2\n    tests: [fx_pass]\n")
expect_error([m], "dir.yaml:3:14: error: test library 'm2' is a directory", "library directory")
m = manifest("pdir.yaml", "plugins: [pdir]\n" + SUITE)
expect_error([m], "pdir.yaml:1:11: error: plug-in 'pdir' is a directory", "plug-in directory")
m = manifest("prog.yaml", "suites:\n  - name: s\n    program: m2\n")
expect_error([m], "prog.yaml:3:14: error: test program 'm2' is a directory", "program directory")

# 8. Report paths, before anything runs.
m = manifest("ok.yaml", SUITE)
for opt in ("-o", "--html"):
    name = "option '-o/--junit-xml'" if opt == "-o" else "option '--html'"
    expect_error([m, opt, "/nonexistent/dir/r.xml"],
                 "pyntest: error: %s: folder '/nonexistent/dir' does not exist" % name,
                 "%s in a missing folder" % opt)
    expect_error([m, opt, tmp],
                 "pyntest: error: %s: '%s' is a directory" % (name, tmp),
                 "%s naming a directory" % opt)
    expect_error([m, opt, "ok.yaml/r.xml"],
                 "pyntest: error: %s: 'ok.yaml' is not a folder" % name,
                 "%s under a file" % opt)
expect_error([m, "-o", "/dev/null"],
             "pyntest: error: option '-o/--junit-xml': '/dev/null' is not a regular file",
             "-o /dev/null (a report is renamed over its path)")
check(os.path.exists("/dev/null") and not os.path.isfile("/dev/null"),
      "/dev/null is still a device")
r = run([m], cwd=tmp, extra_env={"XML_OUTPUT_FILE": "/nonexistent/dir/r.xml",
                                 "PYNTEST_PLUGIN_PATH": None})
check(r.code == 4 and first_err(r) ==
      "pyntest: error: XML_OUTPUT_FILE: folder '/nonexistent/dir' does not exist",
      "XML_OUTPUT_FILE is checked too (got %d)\n%s" % (r.code, r.err))
rep = os.path.join(tmp, "r.xml")
r = run([m], report=rep, cwd=tmp, extra_env=noenv)
check(r.code == 0 and os.path.isfile(rep), "a good -o still works (got %d)\n%s" % (r.code, r.err))

done()
