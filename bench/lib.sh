# SPDX-License-Identifier: MIT
# bench/lib.sh - what the benchmarks share; asan.sh, program.sh and run.sh
# source it:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   bench_prepare DIR [TARGET...]
#	root is the source tree.  Configures a Release build in $BUILD
#	(default $root/build-bench) if it has none, builds pyntest_cli,
#	pyntest-worker and TARGETs in it, and sets build, pyn (the
#	pyntest program) and out ($build/DIR); makes out, goes into it and
#	points PYNTEST_CACHE_DIR at a fresh folder there, so that runs
#	stay apart from the user's duration cache.
#   bench_measure_c
#	writes measure.c: `measure CMD...` runs CMD (its stdout to
#	/dev/null) and prints "WALL_SECONDS CPU_SECONDS EXIT", CPU = user +
#	system of CMD and every process it reaped.
#   bench_run NAME CMD...
#	runs CMD under ./measure: its wall and CPU seconds are appended to
#	times[NAME] and cpus[NAME]; a failure is said on stderr and marks
#	failed[NAME] (nfailed counts them).
#   calc EXPR, median, minimum
#	awk arithmetic; the median and the least of numbers on stdin.
#   bench_load WHEN
#	prints the machine's load (uptime), before and after measuring.
#   bench_interleave ROUNDS
#	ROUNDS times, bench_run each of names[] in turn with its command
#	line cmds[NAME] (split at blanks): rounds alternate, so a change in
#	the machine's load falls on every command alike.
#   bench_report_ok REPORT N
#	true when the JUnit REPORT holds N tests and no failure or error;
#	else says so on stderr and counts it in nfailed.
# shellcheck shell=bash

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck disable=SC2034
bench_prepare()
{
	local dir=$1
	shift
	build=${BUILD:-$root/build-bench}
	if [ ! -f "$build/CMakeCache.txt" ]; then
		cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
			-DBUILD_TESTING=OFF >/dev/null
	fi
	cmake --build "$build" -j2 --target pyntest_cli pyntest-worker "$@" \
		>/dev/null
	pyn=$build/bin/pyntest
	out=$build/$dir
	mkdir -p "$out"
	cd "$out" || return
	export PYNTEST_CACHE_DIR=$out/cache
	rm -rf "$PYNTEST_CACHE_DIR"
}

bench_measure_c()
{
	cat >measure.c <<'C'
/*
 * measure CMD...: run CMD (its stdout to /dev/null), print "WALL_SECONDS
 * CPU_SECONDS EXIT"; CPU = user + system of CMD and every process it reaped.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.6f %.6f %d\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
C
}

# shellcheck disable=SC2034
declare -A times cpus failed
nfailed=0
# shellcheck disable=SC2034
bench_run()
{
	local name=$1 r
	shift
	read -ra r < <(./measure "$@" 2>/dev/null </dev/null | tail -1) || true
	if [ "${#r[@]}" -ne 3 ] || [ "${r[2]}" != 0 ]; then
		echo "bench: '$*' failed (${r[2]:-?}); its figures are not valid" >&2
		failed[$name]=1
		nfailed=$((nfailed + 1))
	fi
	times[$name]+="${r[0]:-0} "
	cpus[$name]+="${r[1]:-0} "
}

calc() { awk "BEGIN { printf \"%.6f\", $* }"; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
minimum() { tr ' ' '\n' | grep . | sort -g | head -1; }

bench_load()
{
	printf 'load %-7s %s\n' "$1:" "$(uptime)"
}

# names and cmds are the calling script's.
# shellcheck disable=SC2154
bench_interleave()
{
	local r n

	for r in $(seq 1 "$1"); do
		for n in "${names[@]}"; do
			# shellcheck disable=SC2086
			bench_run "$n" ${cmds[$n]}
		done
	done
}

bench_report_ok()
{
	if ! grep -q "tests=\"$2\"" "$1" || grep -q '<failure\|<error' "$1"; then
		echo "bench: $(basename "$1") does not hold $2 passing tests" >&2
		nfailed=$((nfailed + 1))
		return 1
	fi
}
