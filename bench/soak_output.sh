#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/soak_output.sh - the output soak (issue 20 item 8): SOAK_TESTS
# (20,000) tests printing 1 MiB each in one pyntest run; prints the
# runner's peak RSS (wait4) and PASS when it is at most SOAK_RSS_MB (20).
# Captured output is spooled to disk: the run needs SOAK_TESTS MiB free
# in $TMPDIR (the spool) and as much again beside the report
# (SOAK_REPORT=0: no report, the console summary only).
#
#   bash bench/soak_output.sh                  # 20,000 tests, -j 2
#   SOAK_TESTS=1000 bash bench/soak_output.sh  # smaller
# Environment: BUILD (default build-soak: built here when missing),
# SOAK_JOBS (2).  Not part of ctest.  Exit 0 when the bound held.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
N=${SOAK_TESTS:-20000}
JOBS=${SOAK_JOBS:-2}
BOUND=${SOAK_RSS_MB:-20}
BUILD=${BUILD:-$root/build-soak}
PY=/usr/bin/python3

if [ ! -x "$BUILD/bin/pyntest" ]; then
	cmake -S "$root" -B "$BUILD" >/dev/null
	cmake --build "$BUILD" -j2 --target pyntest_cli pyntest-worker >/dev/null
fi
work=$(mktemp -d /tmp/soak-output.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -shared -fPIC -o "$work/libprint.so" "$here/soak/print.c"
{
	printf 'version: 1\nsuites:\n  - name: out\n    library: %s\n    tests:\n' \
		"$work/libprint.so"
	for ((i = 0; i < N; i++)); do
		printf '      - { name: t%05d, function: soak_print_1mb }\n' "$i"
	done
} >"$work/print.yaml"
report=()
[ "${SOAK_REPORT:-1}" = 0 ] || report=(-o "$work/print.xml")

"$PY" - "$BUILD/bin/pyntest" "$JOBS" "$BOUND" "$N" "$work" "${report[@]}" <<'PYEOF'
import os, subprocess, sys, time
pyntest, jobs, bound, n, work = sys.argv[1:6]
argv = [pyntest, "-q", "-j", jobs] + sys.argv[6:] + [os.path.join(work, "print.yaml")]
t0 = time.monotonic()
with open(os.path.join(work, "console.txt"), "wb") as out:
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    _, status, usage = os.wait4(p.pid, 0)
secs = time.monotonic() - t0
code = os.waitstatus_to_exitcode(status)
peak = usage.ru_maxrss / 1024.0
report = os.path.join(work, "print.xml")
size = os.path.getsize(report) / 2**20 if os.path.exists(report) else 0
print("%s tests x 1 MiB, -j %s: exit %d in %.1f s; report %.0f MiB; "
      "runner peak RSS %.1f MB" % (n, jobs, code, secs, size, peak))
ok = code == 0 and peak <= float(bound)
print("%s rss  peak %.1f MB <= %s MB" % ("PASS" if ok else "FAIL", peak, bound))
sys.exit(0 if ok else 1)
PYEOF
