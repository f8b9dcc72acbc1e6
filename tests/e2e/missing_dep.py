# SPDX-License-Identifier: MIT
"""e2e: a test library that is there but needs a shared library that is
not: every test is an error whose message gives the dynamic loader's
reason (the missing library's name), not libltdl's "file not found".
--check finds it before anything runs: every library that does not load
is reported, each at its suite's test, with the hint about RUNPATH.
"""
import os
import shutil
import subprocess

from pyn_e2e import check, done, need_tool, read_report, require_pyntest, run, workdir

require_pyntest()
cc = need_tool("gcc", "gcc")
tmp = workdir()
with open(os.path.join(tmp, "dep.c"), "w") as f:
    f.write("int pyn_dep_value(void) { return 1; }\n")
with open(os.path.join(tmp, "t.c"), "w") as f:
    f.write("int pyn_dep_value(void);\n"
            "void t_uses_dep(void) { (void)pyn_dep_value(); }\n")
dep = os.path.join(tmp, "libpyndep.so")
subprocess.run([cc, "-shared", "-fPIC", "-o", dep, os.path.join(tmp, "dep.c")],
               check=True)
subprocess.run([cc, "-shared", "-fPIC", "-o", os.path.join(tmp, "libt.so"),
                os.path.join(tmp, "t.c"), "-L" + tmp, "-lpyndep"], check=True)
os.unlink(dep)  # now libt.so needs a library nobody can find
with open(os.path.join(tmp, "m.yaml"), "w") as f:
    f.write("version: 1\nsuites:\n  - name: dep\n    library: libt\n"
            "    tests: [t_uses_dep]\n")
for mode in ("forkserver", "spawn", "fork"):
    rep = os.path.join(tmp, mode + ".xml")
    r = run([os.path.join(tmp, "m.yaml"), "--isolation", mode], report=rep)
    check(r.code == 1, "%s: exit 1 (got %d)" % (mode, r.code))
    if check(os.path.exists(rep), "%s: report written" % mode):
        _, cases = read_report(rep)
        c = cases.get("dep.t_uses_dep")
        msg = c.message if c else ""
        check(c is not None and c.outcome == "error" and
              "libpyndep.so" in msg and "file not found" not in msg,
              "%s: error names the missing library\n%s" % (mode, msg))

# --check: both libraries that do not load, each with where and why.
shutil.copy(os.path.join(tmp, "libt.so"), os.path.join(tmp, "libt2.so"))
with open(os.path.join(tmp, "two.yaml"), "w") as f:
    f.write("version: 1\nsuites:\n  - name: one\n    library: libt\n"
            "    tests: [t_uses_dep]\n  - name: two\n    library: libt2\n"
            "    tests: [t_uses_dep]\n")
r = run(["--check", "two.yaml"], cwd=tmp)
lines = [l for l in r.err.splitlines() if ": error: " in l]
check(r.code == 4, "--check: exit 4 (got %d)" % r.code)
check([l.split(": error: ")[0] for l in lines] == ["two.yaml:5:13", "two.yaml:8:13"],
      "--check: each library that does not load, at its test\n%s" % r.err)
check(all("libpyndep.so" in l and "-Wl,-rpath" in l for l in lines) and lines,
      "--check: each names the missing library and the rpath hint")
done()
