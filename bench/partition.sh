#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/partition.sh - how even pyntest's shards are: a suite of N tests
# (default 2000) with skewed durations split into S shards (default 4) by
# hash, by count and by time, each shard then run for real, one after
# another, at -j 1 (a CI machine each).  Prints each split's slowest shard
# against the ideal (the shards' total / S); issue 22's target: the time
# split's slowest shard within 10 % of the ideal.
#
#   bash bench/partition.sh [N [S]]
#
# The durations: 1 % of the tests sleep 1 s, 9 % 50 ms, the rest 2 ms,
# placed by a fixed pseudo-random sequence.  The time split uses the JUnit
# report of a first full run (--shard-durations), as a CI pipeline would
# use its last run's report.  The tests sleep, so the figures hold on a
# loaded machine better than CPU-bound ones would.  Not part of ctest.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
N=${1:-2000}
S=${2:-4}

build=${BUILD:-$root/build-bench}
if [ ! -f "$build/CMakeCache.txt" ]; then
	cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
		-DBUILD_TESTING=OFF >/dev/null
fi
cmake --build "$build" -j2 --target pyntest_cli pyntest-worker libpyntest \
	>/dev/null
pyn=$build/bin/pyntest
out=$build/bench-partition
rm -rf "$out"
mkdir -p "$out"
cd "$out"
export PYNTEST_CACHE_DIR=$out/cache
# Not the fan-out of the CI job this may run in.
unset CI_NODE_INDEX CI_NODE_TOTAL CIRCLE_NODE_INDEX CIRCLE_NODE_TOTAL \
	BUILDKITE_PARALLEL_JOB BUILDKITE_PARALLEL_JOB_COUNT \
	JOB_COMPLETION_INDEX TEST_TOTAL_SHARDS TEST_SHARD_INDEX \
	GTEST_TOTAL_SHARDS GTEST_SHARD_INDEX

# One function per test, each sleeping its own time.
awk -v n="$N" 'BEGIN {
	print "#include <time.h>"
	print "static void nap(long ms) { struct timespec t = { ms / 1000, ms % 1000 * 1000000L }; nanosleep(&t, 0); }"
	x = 12345
	for (i = 0; i < n; i++) {
		x = (x * 1103515245 + 12345) % 2147483648
		r = x % 100
		ms = r < 1 ? 1000 : (r < 10 ? 50 : 2)
		printf "void t%05d(void) { nap(%d); }\n", i, ms
	}
}' >skew.c
cc -O1 -shared -fPIC -o libskew.so skew.c
{
	echo "version: 1"
	echo "suites:"
	echo "  - name: skew"
	echo "    library: ./libskew.so"
	echo "    wall_time: 30s"
	echo "    tests:"
	for ((i = 0; i < N; i++)); do printf '      - t%05d\n' "$i"; done
} >skew.yaml

echo "bench: $N tests, $S shards, in $out"
"$pyn" -q -j 2 -o first.xml skew.yaml >/dev/null || true

declare -A slowest total
for by in hash count time; do
	extra=()
	[ "$by" = time ] && extra=(--shard-durations first.xml)
	sum=0 max=0
	for ((i = 1; i <= S; i++)); do
		t0=$EPOCHREALTIME
		"$pyn" -q -j 1 --shard "$i/$S" --shard-by "$by" "${extra[@]}" \
			skew.yaml >/dev/null 2>&1 || true
		t=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
		sum=$(awk -v a="$sum" -v b="$t" 'BEGIN { print a + b }')
		max=$(awk -v a="$max" -v b="$t" 'BEGIN { print (b > a ? b : a) }')
		printf '  %-5s shard %d/%d: %6.2f s\n' "$by" "$i" "$S" "$t"
	done
	slowest[$by]=$max
	total[$by]=$sum
done

echo
printf '%-28s %10s %10s %8s %s\n' split "slowest" "ideal" ratio "target"
for by in hash count time; do
	ideal=$(awk -v a="${total[$by]}" -v s="$S" 'BEGIN { print a / s }')
	ratio=$(awk -v a="${slowest[$by]}" -v b="$ideal" 'BEGIN { print a / b }')
	target=-
	if [ "$by" = time ]; then
		if awk -v r="$ratio" 'BEGIN { exit !(r <= 1.10) }'; then
			target="<= 1.10 x ideal: yes"
		else
			target="<= 1.10 x ideal: NO"
		fi
	fi
	printf '%-28s %8.2f s %8.2f s %7.2fx %s\n' "$by (-j 1 a shard)" \
		"${slowest[$by]}" "$ideal" "$ratio" "$target"
done
