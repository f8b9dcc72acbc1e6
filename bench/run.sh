#!/usr/bin/env bash
# bench/run.sh - per-test overhead of pyntest next to Check and Criterion.
#
#   bash bench/run.sh [N]          # N trivial tests each (default 2000)
#
# Builds N empty tests for pyntest (one shared library + manifest), for Check
# (one program, CK_FORK=yes: a fork per test) and for Criterion (one program,
# a process per test), all with Debian's packages, plus a tiny C program
# that measures the raw fork + _exit + waitpid floor of this machine.  Runs
# them ROUNDS times (default 5), alternating one run of each per round so
# that a noisy neighbour hurts all alike, and prints the median per-test
# time of each (whole process wall time / N) and the ratios.
#
# Environment: BUILD=build-bench (an optimised build, made when missing), ROUNDS=5, JOBS=1 (pyntest -j and Criterion --jobs),
# BENCH_HYPERFINE=1 to also print hyperfine's own table when installed.
# Not part of ctest: figures, never assertions.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
N=${1:-2000}
ROUNDS=${ROUNDS:-5}
JOBS=${JOBS:-1}

# shellcheck source=../.ci/deps
. "$root/.ci/deps"
pyn_install_deps bench

build=${BUILD:-$root/build-bench}
if [ ! -x "$build/bin/pyntest" ]; then
	cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
	cmake --build "$build" -j2 >/dev/null
fi
out=$build/bench
mkdir -p "$out"
cd "$out"
echo "bench: $N tests each, $ROUNDS alternating rounds, jobs $JOBS, in $out"

# ---- generate ------------------------------------------------------------
{
	for i in $(seq 1 "$N"); do echo "void t_$i(void) {}"; done
} >pyn_tests.c
{
	echo "version: 1"
	echo "suites:"
	echo "  - name: bench"
	echo "    library: ./libpyn_bench"
	echo "    tests:"
	for i in $(seq 1 "$N"); do echo "      - t_$i"; done
} >pyn_bench.yaml
{
	echo '#include <check.h>'
	for i in $(seq 1 "$N"); do echo "START_TEST(t_$i) {} END_TEST"; done
	echo 'int main(void) {'
	echo '  Suite *s = suite_create("bench"); TCase *tc = tcase_create("bench");'
	for i in $(seq 1 "$N"); do echo "  tcase_add_test(tc, t_$i);"; done
	echo '  suite_add_tcase(s, tc); SRunner *sr = srunner_create(s);'
	echo '  srunner_run_all(sr, CK_SILENT); int f = srunner_ntests_failed(sr);'
	echo '  srunner_free(sr); return f != 0; }'
} >check_bench.c
{
	echo '#include <criterion/criterion.h>'
	for i in $(seq 1 "$N"); do echo "Test(bench, t_$i) {}"; done
} >criterion_bench.c
cat >fork_floor.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* N times: fork, the child _exits, the parent waits. */
int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000;

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			return 1;
		if (pid == 0)
			_exit(0);
		waitpid(pid, &status, 0);
	}
	return 0;
}
C
cc -O2 -shared -fPIC -o libpyn_bench.so pyn_tests.c
cc -O2 -o check_bench check_bench.c $(pkg-config --cflags --libs check)
cc -O2 -o criterion_bench criterion_bench.c -lcriterion
cc -O2 -o fork_floor fork_floor.c

names=(fork_floor pyntest check_fork criterion)
cmds=(
	"./fork_floor $N"
	"$build/bin/pyntest -q -j $JOBS -o $out/pyn_report.xml pyn_bench.yaml"
	"env CK_FORK=yes ./check_bench"
	"./criterion_bench --jobs $JOBS"
)

# ---- run, alternating ----------------------------------------------------
calc() { awk "BEGIN { printf \"%.9f\", $* }"; }

declare -A times failed
for r in $(seq 1 "$ROUNDS"); do
	for k in "${!names[@]}"; do
		t0=$EPOCHREALTIME
		if ! ${cmds[$k]} >/dev/null 2>&1; then
			echo "bench: '${cmds[$k]}' failed; its figures are not valid" >&2
			failed[${names[$k]}]=1
		fi
		t1=$EPOCHREALTIME
		times[${names[$k]}]+="$(calc "$t1 - $t0") "
	done
	echo "round $r/$ROUNDS done"
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo
printf '%-12s %10s %14s %10s\n' what "total s" "per test ms" "x floor"
floor=$(echo "${times[fork_floor]}" | median)
declare -A per
for n in "${names[@]}"; do
	t=$(echo "${times[$n]}" | median)
	per[$n]=$(calc "$t * 1000 / $N")
	printf '%-12s %10.3f %14.3f %10.2f%s\n' "$n" "$t" "${per[$n]}" "$(calc "$t / $floor")" \
		"${failed[$n]:+  (FAILED: not valid)}"
done
echo
printf 'pyntest / check_fork: %.2f   pyntest / criterion: %.2f\n' \
	"$(calc "${per[pyntest]} / ${per[check_fork]}")" \
	"$(calc "${per[pyntest]} / ${per[criterion]}")"
echo "(median of $ROUNDS rounds; per test = whole process wall time / $N)"

if [ "${BENCH_HYPERFINE:-0}" = 1 ] && command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 1 --runs "$ROUNDS" "${cmds[@]}"
fi
