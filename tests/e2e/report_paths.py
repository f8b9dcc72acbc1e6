# SPDX-License-Identifier: MIT
"""e2e: a report never overwrites the user's files (issue 20 items 4, 11).

`-o`/`--html` naming the manifest, the test library (as the manifest
names it, without ".so"), a symlink or hard link to either, or the same
file as the other report, and a report path ending in '/', are usage
errors (exit 4) before anything runs: the files are unchanged and no
report is written."""
import os
import shutil

from pyn_e2e import FIXTURES, check, done, run, workdir

tmp = workdir()
lib = os.path.join(tmp, "libmine.so")
shutil.copy(os.path.join(FIXTURES, "libpyn_fx_basic.so"), lib)
man = os.path.join(tmp, "suite.yaml")
with open(man, "w") as f:
    f.write("version: 1\nsuites:\n  - name: s\n    library: ./libmine\n"
            "    tests: [fx_pass]\n")
os.symlink(man, os.path.join(tmp, "link.yaml"))
os.link(lib, os.path.join(tmp, "hard.so"))


def snapshot():
    out = {}
    for name in sorted(os.listdir(tmp)):
        p = os.path.join(tmp, name)
        if os.path.isfile(p) and not os.path.islink(p):
            with open(p, "rb") as f:
                out[name] = f.read()
    return out


def restore():
    """Each case starts from the same files, whatever the last one did."""
    for name in os.listdir(tmp):
        if name not in before and not os.path.islink(os.path.join(tmp, name)):
            p = os.path.join(tmp, name)
            shutil.rmtree(p) if os.path.isdir(p) else os.unlink(p)
    for name, data in before.items():
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(data)


before = snapshot()
r = run([man], cwd=tmp)
check(r.code == 0, "the suite passes as it is (got %d)\n%s" % (r.code, r.err[-400:]))

cases = [
    ("-o the manifest", ["-o", "suite.yaml", "suite.yaml"], "is the manifest 'suite.yaml'"),
    ("--html the manifest", ["--html", man, "suite.yaml"], "is the manifest 'suite.yaml'"),
    ("-o a symlink to the manifest", ["-o", "link.yaml", "suite.yaml"], "is the manifest"),
    ("-o the library", ["-o", "libmine.so", "suite.yaml"], "is the test library"),
    ("-o a hard link to the library", ["-o", "hard.so", "suite.yaml"], "is the test library"),
    ("-o and --html the same new file",
     ["-o", "same.xml", "--html", "./same.xml", "suite.yaml"],
     "is the same file as option '-o/--junit-xml' 'same.xml'"),
    ("-o a path ending in /", ["-o", "newreport.xml/", "suite.yaml"], "ends with '/'"),
    # Writable by its modes, even for root, yet no file can be made there.
    ("-o in /proc", ["-o", "/proc/r.xml", "suite.yaml"],
     "cannot create a file in folder '/proc'"),
    ("--html in /proc", ["--html", "/proc/r.html", "suite.yaml"],
     "cannot create a file in folder '/proc'"),
]
for label, args, says in cases:
    restore()
    r = run(args, cwd=tmp)
    check(r.code == 4, "%s: exit 4 (got %d)" % (label, r.code))
    check(says in r.err, "%s: the message says %r\n%s" % (label, says, r.err[-400:]))
    check(snapshot() == before, "%s: every file unchanged, none written (%s)"
          % (label, sorted(snapshot())))

r = run(["-o", "a.xml", "--html", "b.html", "suite.yaml"], cwd=tmp)
check(r.code == 0 and os.path.exists(os.path.join(tmp, "a.xml"))
      and os.path.exists(os.path.join(tmp, "b.html")),
      "two reports of their own are written (exit %d)" % r.code)
done()
