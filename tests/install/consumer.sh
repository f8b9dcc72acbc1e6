#!/bin/bash
# SPDX-License-Identifier: MIT
# consumer.sh BUILD_DIR SOURCE_DIR CMAKE
#
# Install the build into a temporary prefix, move the prefix (a relocated
# install must still work), then build and run examples/consumer against
# it twice: as a CMake project (find_package(pyntest),
# pyntest_discover_tests, ctest) and with its Makefile (pkg-config).
# Exit 0 when every check holds, 1 otherwise.
set -u
build=$1
src=$2
cmake=$3
ctest=$(dirname "$cmake")/ctest
[ -x "$ctest" ] || ctest=ctest

tmp=$(mktemp -d /tmp/pyn-consumer.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
say() { printf '%s\n' "$*"; }
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then
		say "ok   $what"
	else
		say "FAIL $what"
		fails=$((fails + 1))
	fi
}
has() { grep -q -E -- "$2" "$1"; }
lacks() { ! grep -q -E -- "$2" "$1"; }

# A clean environment: nothing from the caller may help the consumer.
unset PYNTEST_LIBRARY_PATH PYNTEST_PLUGIN_PATH XML_OUTPUT_FILE CMAKE_PREFIX_PATH \
	PKG_CONFIG_PATH TEST_TOTAL_SHARDS TEST_SHARD_INDEX GTEST_TOTAL_SHARDS \
	GTEST_SHARD_INDEX TESTBRIDGE_TEST_ONLY CTEST_OUTPUT_ON_FAILURE
export NO_COLOR=1

# --- install, then move the prefix --------------------------------------
if ! "$cmake" --install "$build" --prefix "$tmp/stage" >"$tmp/install.log" 2>&1; then
	cat "$tmp/install.log"
	say "FAIL cmake --install"
	exit 1
fi
mv "$tmp/stage" "$tmp/moved"
prefix=$tmp/moved
libdir=$(sed -n 's/^libdir=\${exec_prefix}\///p' "$prefix"/lib*/pkgconfig/pyntest.pc 2>/dev/null | head -1)
[ -n "$libdir" ] || libdir=lib

for f in bin/pyntest "$libdir/libpyntest.so" "$libdir/libpyntest.a" \
	include/pyntest/pyntest.h include/pyntest/test.h \
	libexec/pyntest/pyntest-worker \
	"$libdir/cmake/pyntest/pyntestConfig.cmake" \
	"$libdir/cmake/pyntest/pyntestConfigVersion.cmake" \
	"$libdir/cmake/pyntest/pyntestTargets.cmake" \
	"$libdir/cmake/pyntest/PyntestAddTests.cmake" \
	"$libdir/pkgconfig/pyntest.pc" \
	share/pyntest/pyntest-manifest.schema.json; do
	check "installed $f" test -e "$prefix/$f"
done
check "nothing installed refers to the build tree" \
	bash -c "! grep -rIl -F -- '$build' '$prefix' >'$tmp/refs' 2>/dev/null"
[ -s "$tmp/refs" ] && sed 's/^/     /' "$tmp/refs"
ldd "$prefix/bin/pyntest" >"$tmp/ldd" 2>&1
# bin/pyntest may link libpyntest statically; if it links the shared one,
# it must be the moved copy.
check "relocated bin/pyntest finds every library" lacks "$tmp/ldd" "not found"
if grep -q libpyntest "$tmp/ldd"; then
	check "relocated bin/pyntest loads the moved libpyntest" \
		has "$tmp/ldd" "libpyntest\.so\.[0-9]+ => $prefix/"
fi
ldd "$prefix/libexec/pyntest/pyntest-worker" >"$tmp/ldd-worker" 2>&1
check "relocated pyntest-worker finds every library" lacks "$tmp/ldd-worker" "not found"
check "relocated bin/pyntest runs" "$prefix/bin/pyntest" --version

# The consumer sources, outside the repository.
cp -r "$src/examples/consumer" "$tmp/consumer"
rm -rf "$tmp/consumer/build" "$tmp/consumer/build-make"

# --- CMake: find_package(pyntest) + pyntest_discover_tests + ctest --------
cb=$tmp/cbuild
if ! "$cmake" -S "$tmp/consumer" -B "$cb" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCONSUMER_DEMO_FAILURE=ON >"$tmp/cfg.log" 2>&1 ||
	! "$cmake" --build "$cb" >"$tmp/build.log" 2>&1; then
	cat "$tmp/cfg.log" "$tmp/build.log" 2>/dev/null
	say "FAIL configure/build examples/consumer against $prefix"
	exit 1
fi
say "ok   examples/consumer configured and built against the moved prefix"

"$ctest" --test-dir "$cb" --output-on-failure --timeout 120 >"$tmp/ctest.log" 2>&1
rc=$?
sed 's/^/     | /' "$tmp/ctest.log"
check "ctest fails (the demo failure is registered)" test "$rc" -ne 0
for t in add divide divide_by_zero digits huge_table null_table; do
	check "consumer.calc.$t discovered and passed" \
		has "$tmp/ctest.log" "consumer\.calc\.$t \.+ +Passed"
done
check "consumer.calc.needs_network reported as skipped" \
	has "$tmp/ctest.log" "consumer\.calc\.needs_network \.+\**Skipped"
check "consumer.demo_failure reported as failed" \
	has "$tmp/ctest.log" "consumer\.demo_failure \.+\**Failed"
check "the failure names its file:line" \
	has "$tmp/ctest.log" "test_calc\.c:[0-9]+"
# Under ctest each discovered test prints its line and the closing line.
check "discovered tests run pyntest --concise" \
	bash -c "grep -F 'add_test([==[consumer.calc.add]==]' '$cb'/pyntest_*_tests.cmake | grep -qF -- '--color never --concise --shard 1/1 -k'"
check "8 tests in all" has "$tmp/ctest.log" "tests passed, 1 tests failed out of 8"
check "discovery ran the installed runner" \
	bash -c "grep -rqF -- '$prefix/bin/pyntest' '$cb'/pyntest_*_tests.cmake"

# CTest's backstop sits above each test's own limit: wall_time 5s + 30 s
# is above the TIMEOUT 30 floor the consumer passes (read from --list -v).
check "TIMEOUT above the test's own wall limit (36 s)" \
	bash -c "grep -F 'consumer.calc.add]==] PROPERTIES' '$cb'/pyntest_*_tests.cmake | grep -q ' TIMEOUT 36 '"
"$ctest" --test-dir "$cb" -N -L '^calc$' >"$tmp/labels.log" 2>&1
check "LABELS per suite: -L calc selects 7 tests" has "$tmp/labels.log" "Total Tests: 7"
"$ctest" --test-dir "$cb" -E demo_failure >"$tmp/green.log" 2>&1
check "without the demo failure, ctest passes" test $? -eq 0

# Discovery runs `pyntest --list` again only when something changed.
tf=$(ls "$cb"/pyntest_*_tests.cmake | head -1)
m1=$(stat -c %y "$tf")
sleep 0.05
"$ctest" --test-dir "$cb" -N >/dev/null 2>&1
check "an unchanged manifest is not listed again" test "$(stat -c %y "$tf")" = "$m1"
touch "$tmp/consumer/suite.yaml"
"$ctest" --test-dir "$cb" -N >/dev/null 2>&1
check "a changed manifest is listed again" test "$(stat -c %y "$tf")" != "$m1"

# A broken manifest: one failing test shows pyntest's message.
cp "$tmp/consumer/suite.yaml" "$tmp/suite.good"
sed -i 's/^  wall_time: 5s/  wal_time: 5s/' "$tmp/consumer/suite.yaml"
"$ctest" --test-dir "$cb" --output-on-failure -E demo_failure >"$tmp/broken.log" 2>&1
sed 's/^/     | /' "$tmp/broken.log"
check "broken manifest: a DISCOVERY_FAILED test fails" \
	has "$tmp/broken.log" "consumer\.suite_DISCOVERY_FAILED \.+\**Failed"
check "broken manifest: its output has pyntest's FILE:LINE:COLUMN error" \
	has "$tmp/broken.log" "suite\.yaml:[0-9]+:[0-9]+: error: unknown key 'wal_time'"
cp "$tmp/suite.good" "$tmp/consumer/suite.yaml"
"$ctest" --test-dir "$cb" -N -E demo_failure >"$tmp/fixed.log" 2>&1
check "fixed manifest: the 7 tests are back" has "$tmp/fixed.log" "Total Tests: 7"

# --- Makefile: pkg-config ------------------------------------------------
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
flags=$(pkg-config --cflags --libs pyntest 2>&1)
check "pkg-config --cflags --libs pyntest ($flags)" \
	bash -c "[[ '$flags' == *-lpyntest* && '$flags' == *-I*include* ]]"
runner=$(pkg-config --variable=pyntest pyntest)
check "pkg-config --variable=pyntest is the moved runner" \
	test "$(realpath "$runner" 2>/dev/null)" = "$(realpath "$prefix/bin/pyntest")"

# --- the C API against the installed headers and library -------------------
# limiter.h first: either public header may come first.  The INIT macros
# set the struct sizes and the defaults; the installed libpyntest.so
# exports pyn_* only, and no allocator.
cat >"$tmp/capi.c" <<'CAPI'
#include <pyntest/limiter.h>
#include <pyntest/pyntest.h>
#include <pyntest/test.h>
#include <stdio.h>
#include <string.h>

static void work(void *arg)
{
	(void)arg;
	pyn_return("42", 3);
}

int main(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_result res = PYN_RESULT_INIT;
	struct pyn_error err;

	lim.wall_time_s = PYN_SECONDS(5);
	if (pyn_call(work, NULL, &lim, &res, &err) != 0)
		return printf("pyn_call: %s\n", err.message), 1;
	printf("%s %s %u\n", pyn_outcome_name(res.outcome),
	       res.data ? (char *)res.data : "-",
	       res.struct_size == sizeof(res));
	pyn_result_release(&res);
	return lim.capture_output && lim.output_limit == PYN_OUTPUT_LIMIT_DEFAULT ?
		       0 : 1;
}
CAPI
# PYN_CAPI_CFLAGS: a sanitized libpyntest needs its runtime in the program.
# shellcheck disable=SC2046,SC2086
if ${CC:-cc} -std=c11 -Wall -Wextra -Werror ${PYN_CAPI_CFLAGS:-} \
	-o "$tmp/capi" "$tmp/capi.c" \
	$(pkg-config --cflags --libs pyntest) >"$tmp/capi.log" 2>&1; then
	say "ok   the C API builds against the installed headers"
	LD_LIBRARY_PATH="$prefix/$libdir" "$tmp/capi" >"$tmp/capi.out" 2>&1
	check "the C API program runs: pass 42" has "$tmp/capi.out" "^pass 42 1$"
	has "$tmp/capi.out" "^pass 42 1$" || sed 's/^/     | /' "$tmp/capi.out"
else
	sed 's/^/     | /' "$tmp/capi.log"
	say "FAIL the C API builds against the installed headers"
	fails=$((fails + 1))
fi
if command -v nm >/dev/null; then
	nm -D --defined-only "$prefix/$libdir/libpyntest.so" |
		awk '{print $NF}' >"$tmp/exports"
	check "installed libpyntest.so exports only pyn_* ($(wc -l <"$tmp/exports") symbols)" \
		bash -c "test -s '$tmp/exports' && ! grep -v '^pyn_' '$tmp/exports'"
fi

make -C "$tmp/consumer" check >"$tmp/make.log" 2>&1
rc=$?
sed 's/^/     | /' "$tmp/make.log"
check "make check passes" test "$rc" -eq 0
check "make check: 4 passed, 0 failed, 1 skipped, 2 expected failures" \
	has "$tmp/make.log" ": 4 passed, 0 failed, 1 skipped, 2 expected failures$"
check "make check wrote a JUnit report" test -s "$tmp/consumer/build-make/report.xml"
# The worker (libexec) found from the moved runner: spawn isolation.
(cd "$tmp/consumer" && PYNTEST_LIBRARY_PATH=build-make "$runner" --isolation spawn suite.yaml) \
	>"$tmp/spawn.log" 2>&1
rc=$?
check "moved runner, --isolation spawn: 4 passed, 0 failed, 1 skipped, 2 expected failures" \
	has "$tmp/spawn.log" ": 4 passed, 0 failed, 1 skipped, 2 expected failures$"
check "moved runner, --isolation spawn: exit 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || sed 's/^/     | /' "$tmp/spawn.log"
"$runner" --limiters >"$tmp/limiters.log" 2>&1
check "moved runner lists its limiters" test $? -eq 0
make -C "$tmp/consumer" demo-failure >"$tmp/demo.log" 2>&1
rc=$?
check "make demo-failure fails (exit 1 from pyntest)" \
	has "$tmp/demo.log" ": 0 passed, 1 failed, 0 skipped$"
check "make demo-failure exits non-zero" test "$rc" -ne 0

say "$fails failed checks"
[ "$fails" -eq 0 ]
