# SPDX-License-Identifier: MIT
"""e2e: `plugins: [max_files]` (a bare name) finds the plug-in shipped with
pyntest in its own module folder (PREFIX/lib/pyntest/limiters, located
relative to the program), after the manifest's folder and
PYNTEST_PLUGIN_PATH; an unknown name is still a located error.
"""
import os

from pyn_e2e import BIN, check, done, require_pyntest, run, suite, workdir

require_pyntest()
modules = os.path.join(BIN, "lib", "pyntest", "limiters")
noenv = {"PYNTEST_PLUGIN_PATH": None}

r = run([suite("plugin-by-name.yaml"), "-v"], extra_env=noenv)
check(r.code == 0, "bare plug-in name runs: exit 0 (got %d)\n%s" % (r.code, r.err))

r = run([suite("plugin-by-name.yaml"), "--limiters"], extra_env=noenv)
check(os.path.join(modules, "max_files.so") in r.out,
      "--limiters shows it loaded from the module folder\n" + r.out)

tmp = workdir()
bad = os.path.join(tmp, "bad.yaml")
with open(bad, "w") as f:
    f.write("version: 1\nplugins: [no_such_limiter]\nsuites: []\n")
r = run([bad, "--check"], extra_env=noenv)
check(r.code == 4 and "bad.yaml:2:11: error: cannot find plug-in 'no_such_limiter'" in r.err,
      "an unknown plug-in is a located error, exit 4 (got %d)\n%s" % (r.code, r.err))

done()
