# SPDX-License-Identifier: MIT
"""e2e: the programs and modules of the build tree have no empty RUNPATH
entry (the dynamic loader reads one as the current directory, so a
library planted there would be loaded by every pyntest run).
"""
import glob
import os
import subprocess

from pyn_e2e import BIN, check, done, need_tool

readelf = need_tool("readelf", "binutils")
files = [os.path.join(BIN, "bin", "pyntest")]
files += glob.glob(os.path.join(BIN, "libexec", "pyntest", "*"))
files += glob.glob(os.path.join(BIN, "lib", "pyntest", "limiters", "*.so"))
files += glob.glob(os.path.join(BIN, "lib", "libpyntest.so*"))
check(os.path.isfile(files[0]) and len(files) >= 4,
      "pyntest, its worker, its limiters and libpyntest are built (%d files)"
      % len(files))
for f in files:
    if not os.path.isfile(f):
        continue
    out = subprocess.run([readelf, "-d", f], capture_output=True,
                         text=True).stdout
    paths = [l.split("[", 1)[1].rstrip("]") for l in out.splitlines()
             if "RUNPATH" in l or "RPATH" in l]
    bad = [p for p in paths if "" in p.split(":")]
    check(not bad, "%s: no empty RUNPATH entry %s" % (os.path.relpath(f, BIN), paths))
done()
