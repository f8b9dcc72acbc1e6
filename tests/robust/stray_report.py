# SPDX-License-Identifier: MIT
"""robust: a runner killed while it writes its report leaves a temporary
file beside it; the next run writing that report removes it (issue 20
item 6, docs/guarantees.md "Interrupts").

40 tests print 1 MiB each, so the report is 40 MiB and its writing takes
a while: the script stops pyntest (SIGSTOP) the moment the temporary file
appears, checks it is there, and SIGKILLs it.  A temporary file named for
a live process (this script) is left alone.
"""
import os
import signal
import subprocess
import time

import rb  # noqa: F401 (puts tests/e2e on the path)
from pyn_e2e import PYNTEST, check, done, env, log, read_report, run, scaled, workdir

tmp = workdir()
man = os.path.join(tmp, "big.yaml")
with open(man, "w") as f:
    f.write("version: 1\nsuites:\n  - name: big\n    library: libpyn_rb_fx\n    tests:\n")
    for i in range(40):
        f.write("      - { name: t%02d, function: rb_print_1mb }\n" % i)
rep = os.path.join(tmp, "rep.xml")


def temps():
    return sorted(x for x in os.listdir(tmp) if x.startswith(".rep.xml."))


stray = []
for attempt in range(3):
    argv = [PYNTEST, "-j", "2", "-q", "-o", rep, man]
    log("$ " + " ".join(argv))
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env())
    deadline = time.monotonic() + scaled(60)
    while time.monotonic() < deadline and p.poll() is None and not temps():
        time.sleep(0.0005)
    p.send_signal(signal.SIGSTOP)
    stray = temps()
    p.kill()
    p.wait()
    if stray:
        break
    log("     the report was renamed before the runner stopped; again")
    if os.path.exists(rep):
        os.unlink(rep)
check(len(stray) == 1, "a runner SIGKILLed while writing its report left a temporary file (%s)"
      % stray)
check(not os.path.exists(rep), "and no report")
live = ".rep.xml.pyntest-%d.abcdef" % os.getpid()
open(os.path.join(tmp, live), "w").close()

r = run(["-k", "big.t00", man], report=rep)
check(r.code == 0, "the next run passes (got %d)\n%s" % (r.code, r.err[-400:]))
if check(os.path.exists(rep), "and writes the report"):
    _, cases = read_report(rep)
    check(list(cases) == ["big.t00"], "with its one test (%s)" % list(cases))
check(temps() == [live], "the dead runner's temporary file is gone, a live one's kept (%s)"
      % temps())
done()
