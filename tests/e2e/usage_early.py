# SPDX-License-Identifier: MIT
"""e2e: usage errors found before anything runs, each named for what it is
(issue 20 item 11).  `library:` naming /dev/zero, a FIFO or a symlink loop
says so (not "cannot find test library"); an `env` name with a newline or
'=' is refused at FILE:LINE:COL; all exit 4 with nothing run.  (A report
path ending in '/' is in report_paths.py.)"""
import os

from pyn_e2e import check, done, run, workdir

tmp = workdir()
os.mkfifo(os.path.join(tmp, "libfifo.so"))
os.symlink("libloop.so", os.path.join(tmp, "libloop.so"))


def manifest(name, suite_body):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write("version: 1\nsuites:\n  - name: s\n" + suite_body
                + "    tests: [fx_pass]\n")
    return path


def expect(path, want, what):
    r = run([path], cwd=tmp)
    first = r.err.splitlines()[0] if r.err else ""
    check(r.code == 4 and first == want,
          "%s: exit 4 and the message (got %d)\n     want %r\n     got  %r"
          % (what, r.code, want, first))
    check("passed" not in r.out and "failed" not in r.out, "%s: nothing ran" % what)


m = manifest("zero.yaml", "    library: /dev/zero\n")
expect(m, "%s:4:14: error: test library '/dev/zero' is a character device, not a file" % m,
       "library /dev/zero")
m = manifest("fifo.yaml", "    library: libfifo.so\n")
expect(m, "%s:4:14: error: test library 'libfifo.so' is a FIFO (named pipe), not a file" % m,
       "library a FIFO")
m = manifest("fifo2.yaml", "    library: libfifo\n")
expect(m, "%s:4:14: error: test library 'libfifo' is a FIFO (named pipe), not a file (%s)"
       % (m, os.path.join(tmp, "libfifo.so")), "library a FIFO found by its extension")
m = manifest("loop.yaml", "    library: libloop.so\n")
expect(m, "%s:4:14: error: test library 'libloop.so' is a symbolic link loop" % m,
       "library a symlink loop")
m = manifest("nl.yaml", "    library: libpyn_fx_basic\n    env: {\"A\\nB\": x}\n")
expect(m, "%s:5:11: error: bad environment variable name: control character 0x0a" % m,
       "env name with a newline")
m = manifest("eq.yaml", "    library: libpyn_fx_basic\n    env: {\"A=B\": x}\n")
expect(m, "%s:5:11: error: bad environment variable name 'A=B'" % m, "env name with '='")
done()
