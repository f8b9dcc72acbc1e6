#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/soak.sh - the soak (issue 4 §7): SOAK_TESTS (20,000) tests of mixed
# outcomes in one pyntest run, then a PASS/FAIL line per check:
#   fds      no fd growth in the runner (/proc/PID/fd, early vs late samples;
#            a sample also counts the fds of the tests running then)
#   zombies  no zombie children of the runner late in the run; none left
#   cgroups  no pyntest-<runner pid>* cgroup left under /sys/fs/cgroup
#   tmp      no new entry in /dev/shm, no new pyntest* entry in /tmp, only
#            the report beside the report
#   rss      runner RSS flat: late - early <= SOAK_RSS_SLACK_KB (4096) + the
#            size of the report (the results it keeps to write it)
#   procs    no process of the soak library left running
#   report   the report is whole: N testcases, the mix of outcomes
#
#   bash bench/soak.sh                  # 20,000 tests, -j 2
#   SOAK_TESTS=2000 bash bench/soak.sh  # smaller
#   SOAK_OUTPUT_MIB=1 bash bench/soak.sh   # the output soak instead:
#            SOAK_TESTS tests printing SOAK_OUTPUT_MIB MiB each; PASS when
#            the runner's own peak RSS (VmHWM) is <= SOAK_RSS_MB (20) and
#            the report holds the output whole (bench/soak_output.sh;
#            needs 2 x SOAK_TESTS x SOAK_OUTPUT_MIB MiB free in /tmp)
# Environment: BUILD (default build-soak: built here when missing), SOAK_JOBS (2).
# Not part of ctest.  Exit 0 when every check passed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -n "${SOAK_OUTPUT_MIB:-}" ]; then
	exec bash "$here/soak_output.sh"
fi
root=$(dirname "$here")
N=${SOAK_TESTS:-20000}
JOBS=${SOAK_JOBS:-2}
BUILD=${BUILD:-$root/build-soak}
SLACK=${SOAK_RSS_SLACK_KB:-4096}
PY=/usr/bin/python3

if [ ! -x "$BUILD/bin/pyntest" ]; then
	cmake -S "$root" -B "$BUILD" >/dev/null
	cmake --build "$BUILD" -j2 --target pyntest_cli pyntest-worker >/dev/null
fi
PYNTEST=$BUILD/bin/pyntest
work=$(mktemp -d /tmp/soak-work.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -shared -fPIC -o "$work/libsoak.so" "$here/soak/soak.c"

# The mix, per 100 tests: 70 pass, 8 fail, 6 crash, 4 wall timeouts
# (50 ms), 3 CPU timeouts (30 ms), 4 memory limits (32 MB), 3 orphans
# (killed, counted), 2 outputs cut at 4 KiB.
"$PY" "$here/soak/manifest.py" "$N" "$work/libsoak.so" >"$work/soak.yaml"

ls -1 /dev/shm | sort >"$work/shm.before"
ls -1 /tmp | grep -i '^pyntest' | sort >"$work/tmp.before" || true
mkdir "$work/report"
samples=$work/samples
: >"$samples"

start=$(date +%s.%N)
"$PYNTEST" -q -j "$JOBS" -o "$work/report/soak.xml" "$work/soak.yaml" \
	>"$work/console.txt" 2>&1 &
pid=$!
# One sample every 0.2 s: seconds, fds, VmRSS kB, zombie children.
while kill -0 "$pid" 2>/dev/null; do
	fds=$(ls /proc/$pid/fd 2>/dev/null | wc -l) || fds=
	rss=$(awk '/^VmRSS:/ {print $2}' /proc/$pid/status 2>/dev/null) || rss=
	zomb=$(ps -o stat= --ppid "$pid" 2>/dev/null | grep -c '^Z') || zomb=0
	[ -n "$fds" ] && [ -n "$rss" ] &&
		echo "$(date +%s.%N) $fds $rss $zomb" >>"$samples"
	sleep 0.2
done
set +e
wait "$pid"
code=$?
set -e
end=$(date +%s.%N)

ls -1 /dev/shm | sort >"$work/shm.after"
ls -1 /tmp | grep -i '^pyntest' | sort >"$work/tmp.after" || true
cgroups=$(find /sys/fs/cgroup -maxdepth 8 -type d -name "pyntest-$pid*" 2>/dev/null | wc -l)
sleep 0.2
left=0
for p in /proc/[0-9]*; do
	grep -q "$work/libsoak.so" "$p/maps" 2>/dev/null && left=$((left + 1))
done

SOAK_JOBS=$JOBS "$PY" "$here/soak/check.py" "$N" "$code" "$start" "$end" "$samples" \
	"$work" "$cgroups" "$left" "$SLACK"
