# SPDX-License-Identifier: MIT
"""e2e: a test library that is there but needs a shared library that is
not: every test is an error whose message gives the dynamic loader's
reason (the missing library's name), not libltdl's "file not found".
"""
import os
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
done()
