#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/asan.sh - per-test cost of an ASan-built suite under pyntest
# against Check's fork mode on the same suite built with ASan (issue 18),
# in one run, with the same suite built plain beside it.
#
#   bash bench/asan.sh           # N = 200 tests per suite (~6 min)
#   bash bench/asan.sh 500       # another N
#
# It generates, under $BUILD/bench-asan/, N tests that each malloc 256
# bytes, write them and free them (so ASan's allocator and shadow are
# used), as a test library for pyntest and as one Check program, each
# built twice: -fsanitize=address (gcc, -O1 -g, as docs/instruments.md
# builds one) and plain (-O2).  pyntest runs the ASan library under
# pyntest-worker-san with the runtime preloaded (docs/instruments.md).
# ROUNDS (default 5) interleaved rounds (A B C ... A B C ...) of:
#   pyn_asan_j1  pyntest -q -j 1 (forkserver) on the ASan library
#   pyn_asan_j2  the same at -j 2
#   check_asan   CK_FORK=yes ./check_asan (Check has no parallel mode)
#   pyn_asan_nl, check_asan_nl  both with ASAN_OPTIONS=detect_leaks=0:
#                the share of LeakSanitizer's check at each test's end
#   pyn_plain_j1, check_plain   the plain builds, for scale
# Per test = whole command wall time / N; also CPU (user+sys of the
# command and all it reaped).  Prints min and median, and per-round
# ratios (min / median) pyntest / Check.  Environment: BUILD (default
# build-bench, a Release build), ROUNDS, CC (gcc).  Not part of ctest.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
N=${1:-200}
ROUNDS=${ROUNDS:-5}
CC=${CC:-gcc}

bench_prepare bench-asan
if [ ! -x "$build/libexec/pyntest/pyntest-worker-san" ]; then
	echo "bench: no pyntest-worker-san in $build: it cannot run ASan tests" >&2
	exit 1
fi

# ---- generate ------------------------------------------------------------
body='char *p = malloc(256); memset(p, (int)sizeof(p), 256); sink = p[17]; free(p);'
{
	echo '#include <stdlib.h>'
	echo '#include <string.h>'
	echo 'volatile char sink;'
	for ((i = 0; i < N; i++)); do
		echo "void t_$i(void); void t_$i(void) { $body }"
	done
} >suite.c
{
	echo "version: 1"
	echo "suites:"
	for v in asan plain; do
		echo "  - name: $v"
		echo "    library: ./libsuite_$v.so"
		echo "    tests:"
		for ((i = 0; i < N; i++)); do echo "      - t_$i"; done
	done
} >all.yaml
# One manifest per build: the suite of the other build is not loaded.
for v in asan plain; do
	awk -v v="$v" '/^  - name: /{keep = ($3 == v)} /^version|^suites/ || keep' \
		all.yaml >"$v.yaml"
done
{
	echo '#include <check.h>'
	echo '#include <stdlib.h>'
	echo '#include <string.h>'
	echo 'static volatile char sink;'
	for ((i = 0; i < N; i++)); do echo "START_TEST(t_$i) { $body } END_TEST"; done
	echo 'int main(void) {'
	echo '  Suite *s = suite_create("bench"); TCase *tc = tcase_create("bench");'
	for ((i = 0; i < N; i++)); do echo "  tcase_add_test(tc, t_$i);"; done
	echo '  suite_add_tcase(s, tc); SRunner *sr = srunner_create(s);'
	echo '  srunner_run_all(sr, CK_SILENT); int f = srunner_ntests_failed(sr);'
	echo '  srunner_free(sr); return f != 0; }'
} >check_suite.c
bench_measure_c
read -ra check_flags < <(pkg-config --cflags --libs check)
$CC -O2 -o measure measure.c
$CC -O1 -g -fsanitize=address -shared -fPIC -o libsuite_asan.so suite.c
$CC -O2 -shared -fPIC -o libsuite_plain.so suite.c
$CC -O1 -g -fsanitize=address -o check_asan check_suite.c "${check_flags[@]}"
$CC -O2 -o check_plain check_suite.c "${check_flags[@]}"

echo "bench: N=$N tests per suite (malloc/memset/free of 256 bytes), $ROUNDS rounds, in $out"
bench_load before

# ---- measure, interleaved --------------------------------------------------
names=(pyn_asan_j1 check_asan pyn_asan_j2 pyn_asan_nl check_asan_nl
	pyn_plain_j1 check_plain)
declare -A cmds=(
	[pyn_asan_j1]="$pyn -q -j 1 -o $out/r_a1.xml asan.yaml"
	[pyn_asan_j2]="$pyn -q -j 2 -o $out/r_a2.xml asan.yaml"
	[pyn_plain_j1]="$pyn -q -j 1 -o $out/r_p1.xml plain.yaml"
	[check_asan]="env CK_FORK=yes ./check_asan"
	[pyn_asan_nl]="env ASAN_OPTIONS=detect_leaks=0 $pyn -q -j 1 -o $out/r_an.xml asan.yaml"
	[check_asan_nl]="env ASAN_OPTIONS=detect_leaks=0 CK_FORK=yes ./check_asan"
	[check_plain]="env CK_FORK=yes ./check_plain"
)
bench_interleave "$ROUNDS"
bench_load after
for f in r_a1 r_a2 r_an r_p1; do
	bench_report_ok "$out/$f.xml" "$N"
done

for n in "${names[@]}"; do
	echo "$n ${failed[$n]:-0} ${times[$n]} / ${cpus[$n]}"
done >"$out/times.txt"
python3 - "$N" "$out/times.txt" <<'PY'
import statistics as st, sys
n = int(sys.argv[1])
wall, cpu, bad, order = {}, {}, {}, []
for line in open(sys.argv[2]):
    name, failed, rest = line.split(None, 2)
    w, c = rest.split("/")
    wall[name] = [float(x) * 1000 / n for x in w.split()]
    cpu[name] = [float(x) * 1000 / n for x in c.split()]
    bad[name] = failed != "0"
    order.append(name)
print()
print("per test, ms (whole command / %d): wall min, median; CPU (user+sys" % n)
print("of the command and all it reaped) min, median")
print("%-13s %8s %8s %8s %8s" % ("what", "wall min", "wall med", "cpu min", "cpu med"))
for k in order:
    print("%-13s %8.3f %8.3f %8.3f %8.3f%s" % (
        k, min(wall[k]), st.median(wall[k]), min(cpu[k]), st.median(cpu[k]),
        "  (FAILED: not valid)" if bad[k] else ""))
print()
print("ratios per round (interleaved), min / median:")
for a, b in (("pyn_asan_j1", "check_asan"), ("pyn_asan_j2", "check_asan"),
             ("pyn_asan_nl", "check_asan_nl"), ("pyn_plain_j1", "check_plain"), ("pyn_asan_j1", "pyn_plain_j1"),
             ("check_asan", "check_plain")):
    rw = [x / y for x, y in zip(wall[a], wall[b])]
    rc = [x / y for x, y in zip(cpu[a], cpu[b])]
    print("  %-28s wall %5.2f / %5.2f   cpu %5.2f / %5.2f" % (
        a + " / " + b, min(rw), st.median(rw), min(rc), st.median(rc)))
print("(-j 2 sets parallel pyntest against serial Check: Check has no parallel mode)")
PY
[ "$nfailed" = 0 ]
