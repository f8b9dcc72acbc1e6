#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/soak_output.sh - the output soak (issue 20 "Output is spooled"):
# SOAK_TESTS (20,000) tests printing SOAK_OUTPUT_MIB (1) MiB each in one
# pyntest run; prints the runner's own peak RSS (VmHWM, its children not
# counted; wait4's figure beside it), the disk used at its peak, the wall
# time, and PASS when the peak is at most SOAK_RSS_MB (20) and the
# report holds the output whole.  `SOAK_OUTPUT_MIB=1 bash bench/soak.sh`
# runs this.  Captured output is spooled to disk: the run needs
# SOAK_TESTS x SOAK_OUTPUT_MIB MiB free in $TMPDIR (the spool) and as
# much again beside the report (SOAK_REPORT=0: no report, the console
# summary only); it says so and stops when df shows less.
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
MIB=${SOAK_OUTPUT_MIB:-1}
BUILD=${BUILD:-$root/build-soak}
PY=/usr/bin/python3
export SOAK_OUTPUT_MIB=$MIB

if [ ! -x "$BUILD/bin/pyntest" ]; then
	cmake -S "$root" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$BUILD" -j2 --target pyntest_cli pyntest-worker >/dev/null
fi
work=$(mktemp -d /tmp/soak-output.XXXXXX)
trap 'rm -rf "$work"' EXIT
need=$((N * MIB))
[ "${SOAK_REPORT:-1}" = 0 ] || need=$((need * 2))
free=$(df -Pm "${TMPDIR:-/tmp}" | awk 'NR == 2 {print $4}')
if [ "$free" -lt $((need + 1024)) ]; then
	echo "soak: needs $need MiB free in ${TMPDIR:-/tmp} (spool and report), df shows $free" >&2
	exit 1
fi
cc -O2 -shared -fPIC -o "$work/libprint.so" "$here/soak/print.c"
{
	printf 'version: 1\nsuites:\n  - name: out\n    library: %s\n' "$work/libprint.so"
	# The default output_limit (1 MiB) would cut anything longer.
	printf '    output_limit: %dMB\n    tests:\n' "$((MIB + 1))"
	for ((i = 0; i < N; i++)); do
		printf '      - { name: t%05d, function: soak_print }\n' "$i"
	done
} >"$work/print.yaml"
report=()
[ "${SOAK_REPORT:-1}" = 0 ] || report=(-o "$work/print.xml")
echo "load before: $(uptime)"
set +e
"$PY" "$here/soak/output.py" "$BUILD/bin/pyntest" "$JOBS" "$BOUND" "$N" "$MIB" \
	"$work" "${report[@]}"
code=$?
set -e
echo "load after:  $(uptime)"
exit "$code"
