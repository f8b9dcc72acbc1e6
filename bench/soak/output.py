# SPDX-License-Identifier: MIT
"""bench/soak/output.py - run the output soak's pyntest and measure it:
the runner's own peak RSS (VmHWM of /proc/PID/status, sampled every 0.1 s
until it exits; its children are not in it), wait4's ru_maxrss (the
runner or a child it reaped, whichever is larger), the disk used in the
spool's file system at its peak, and the wall time.  Prints the figures
and one PASS/FAIL line against the bound (arguments from soak_output.sh)."""
import os
import subprocess
import sys
import time

pyntest, jobs, bound, n, mib, work = sys.argv[1:7]
report = sys.argv[7:]
argv = [pyntest, "-q", "-j", jobs] + report + [os.path.join(work, "print.yaml")]
spooldir = os.environ.get("TMPDIR") or "/tmp"


def used(path):
    st = os.statvfs(path)
    return (st.f_blocks - st.f_bfree) * st.f_frsize


def hwm(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


disk0 = used(spooldir)
disk_peak = 0
peak_kb = 0
t0 = time.monotonic()
with open(os.path.join(work, "console.txt"), "wb") as out:
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    while True:
        kb = hwm(p.pid)
        if kb is not None:
            peak_kb = max(peak_kb, kb)
        disk_peak = max(disk_peak, used(spooldir) - disk0)
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        time.sleep(0.1)
secs = time.monotonic() - t0
code = os.waitstatus_to_exitcode(status)
xml = os.path.join(work, "print.xml")
size = os.path.getsize(xml) / 2**20 if os.path.exists(xml) else 0
whole = False
if code == 0 and os.path.exists(xml):
    # The report holds every test's output whole: the last test's
    # system-out is mib MiB long (a test's own lines, 64 bytes each).
    with open(xml, "rb") as f:
        f.seek(max(0, os.path.getsize(xml) - (int(mib) << 20) - 65536))
        tail = f.read()
    whole = tail.count(b"x" * 63 + b"\n") >= (int(mib) << 20) // 64
peak = peak_kb / 1024.0
print("%s tests x %s MiB, -j %s: exit %d in %.1f s (%.1f ms a test); "
      "report %.0f MiB; disk peak %.1f GiB in %s (spool%s)" % (
          n, mib, jobs, code, secs, secs * 1000 / int(n), size,
          disk_peak / 2**30, spooldir, " + report" if report else ""))
print("runner peak RSS: VmHWM %.1f MB (sampled every 0.1 s); wait4 ru_maxrss "
      "%.1f MB (runner or a reaped child)" % (peak, usage.ru_maxrss / 1024.0))
if report:
    print("%s report  the last test's %s MiB of output whole in the report" % (
        "PASS" if whole else "FAIL", mib))
ok = code == 0 and peak_kb > 0 and peak <= float(bound) and (whole or not report)
print("%s rss  runner peak %.1f MB <= %s MB" % ("PASS" if ok else "FAIL", peak, bound))
sys.exit(0 if ok else 1)
