#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test.sh - what CI runs: install what is missing, check the formatting,
# build build-asan/ (ASan+UBSan), build-clang/ (clang), build-release/ (gcc -O2,
# built only, for its warnings) and build/ (gcc),
# and run ctest in them: all tests in build-asan/ and build/, the unit
# tests in build-clang/, and in build/ the robustness and provider e2e
# tests again with the fallback providers and as an unprivileged user
# (fallbacks()).
#
#   bash test.sh
#
# Exits non-zero if the format check, a build or a ctest run failed.  Each
# ctest run is followed by the tests it skipped, with the reason each
# printed; the last thing printed is ctest's summary of build/.

# The format check (tests/format.sh) over every tracked .c/.h file; on by
# default (PYN_FORMAT_CHECK=0 turns it off, e.g. while iterating).
PYN_FORMAT_CHECK=${PYN_FORMAT_CHECK:-1}

set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")" || exit 1

# shellcheck source=.ci/deps
. .ci/deps
pyn_install_deps test || exit 1

build() # DIR CMAKE-ARGS...
{
	local dir=$1 t0=$SECONDS
	shift
	echo "== configure and build $dir"
	mkdir -p "$dir"
	cmake -S . -B "$dir" -DPYN_WERROR=ON "$@" >"$dir/configure.log" 2>&1 ||
		{ cat "$dir/configure.log"; return 1; }
	cmake --build "$dir" -j2 >"$dir/build.log" 2>&1 ||
		{ tail -n 60 "$dir/build.log"; return 1; }
	echo "   built in $((SECONDS - t0)) s"
}

# skipped DIR CTEST-OUTPUT: each test ctest skipped, with its SKIP line.
skipped()
{
	local dir=$1 out=$2 t why
	sed -n 's/^[[:space:]]*[0-9]* - \(.*\) (Skipped)$/\1/p' "$out" |
		while IFS= read -r t; do
			why=$(awk -v t="$t" '
				$2 == "Testing:" { on = ($3 == t); next }
				on && (i = index(toupper($0), "SKIP: ")) {
					print substr($0, i + 6); exit
				}
			' "$dir/Testing/Temporary/LastTest.log")
			echo "  skipped $t: ${why:-(it printed no SKIP: line)}"
		done
}

# run_ctest DIR CTEST-ARGS...: ctest's output (kept in DIR/ctest.log),
# then the skips and their reasons.
run_ctest()
{
	local dir=$1 rc t0=$SECONDS
	shift
	echo "== ctest $dir $*"
	ctest --test-dir "$dir" -j2 --output-on-failure --timeout 600 "$@" |
		tee "$dir/ctest.log"
	rc=${PIPESTATUS[0]}
	skipped "$dir" "$dir/ctest.log"
	echo "   ctest $dir: $((SECONDS - t0)) s"
	return "$rc"
}

failed=()

if [ "$PYN_FORMAT_CHECK" = 1 ]; then
	echo "== format check"
	bash tests/format.sh || failed+=(format)
else
	echo "== format check: off (PYN_FORMAT_CHECK=0)"
fi

# The sanitizers make everything slower: ctest's timeouts and the tests'
# time thresholds are scaled by 3 (tests/CMakeLists.txt).
if build build-asan '-DPYN_SANITIZE=address;undefined' \
	-DPYN_TEST_TIMEOUT_MULTIPLIER="${PYN_TEST_TIMEOUT_MULTIPLIER:-3}"; then
	run_ctest build-asan || failed+=(build-asan)
else
	failed+=(build-asan)
fi

# clang: its warnings, and the unit tests of what it built.
if CC=clang build build-clang -DCMAKE_C_COMPILER=clang \
	-DPYN_TEST_TIMEOUT_MULTIPLIER="${PYN_TEST_TIMEOUT_MULTIPLIER:-1}"; then
	run_ctest build-clang -L unit || failed+=(build-clang)
else
	failed+=(build-clang)
fi

# gcc at -O2: the warnings only its optimiser gives (-Wformat-truncation,
# -Wdangling-pointer), which the -O0 builds never see.  Built, not run.
build build-release -DCMAKE_BUILD_TYPE=Release || failed+=(build-release)

if [ ${#failed[@]} -eq 0 ]; then
	echo "== so far ($SECONDS s): format check, build-asan, build-clang and build-release passed"
else
	echo "== so far ($SECONDS s): FAILED: ${failed[*]} (see above)"
fi

# The robustness tests (label robust) and the e2e tests of processes,
# limits, providers and suites that share a process with the providers
# an ordinary user gets, so that every provider is tested on every
# change: as an unprivileged user (made with useradd when missing;
# skipped, saying why, when not root or when that user cannot read the
# build tree), and with the subreaper and rlimit providers forced.  Not
# the e2e tests that write into the build tree (html, out-of-tree
# limiters) or time CPU against the wall clock (isolation, outcomes): a
# few minutes in all.
PYN_CI_USER=${PYN_CI_USER:-pyntest-ci}
fallbacks() # DIR
{
	local dir=$1 rc=0 home t0=$SECONDS
	local sel=(-R '^(robust[.].*|e2e[.](providers|memory_providers)[.].*|e2e[.](hostile|interrupt|enforce|shared_suites))$')

	echo "== ctest $dir, forced providers memory=rlimit,process_tree=subreaper"
	PYNTEST_PROVIDERS=memory=rlimit,process_tree=subreaper \
		ctest --test-dir "$dir" -j2 --output-on-failure --timeout 600 \
		"${sel[@]}" | tee "$dir/ctest-forced.log"
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	skipped "$dir" "$dir/ctest-forced.log"
	echo "   ctest $dir (forced providers): $((SECONDS - t0)) s"

	t0=$SECONDS
	if [ "$(id -u)" != 0 ]; then
		echo "== unprivileged run: skipped, test.sh is not root (it is" \
			"that user's run already)"
		return "$rc"
	fi
	if ! id "$PYN_CI_USER" >/dev/null 2>&1 &&
		! useradd --system --no-create-home --shell /usr/sbin/nologin \
			"$PYN_CI_USER"; then
		echo "== unprivileged run: skipped, cannot create user $PYN_CI_USER"
		return "$rc"
	fi
	if ! setpriv --reuid="$PYN_CI_USER" --regid="$PYN_CI_USER" \
		--init-groups test -r "$dir/CTestTestfile.cmake" -a \
		-x "$dir/bin/pyntest"; then
		echo "== unprivileged run: skipped, $PYN_CI_USER cannot read" \
			"$dir (make the tree readable to run it)"
		return "$rc"
	fi
	home=$(mktemp -d) || return 1
	chown "$PYN_CI_USER": "$home"
	mkdir -p "$dir/Testing/Temporary"
	chown -R "$PYN_CI_USER": "$dir/Testing"
	echo "== ctest $dir as $PYN_CI_USER"
	setpriv --reuid="$PYN_CI_USER" --regid="$PYN_CI_USER" --init-groups \
		env HOME="$home" TMPDIR="$home" \
		ctest --test-dir "$dir" -j2 --output-on-failure --timeout 600 \
		"${sel[@]}" | tee "$dir/ctest-user.log"
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	skipped "$dir" "$dir/ctest-user.log"
	chown -R 0:0 "$dir/Testing"
	rm -rf "$home"
	echo "   ctest $dir (as $PYN_CI_USER): $((SECONDS - t0)) s"
	return "$rc"
}

# Last: build/, whose ctest summary ends the output.
main=0
if build build -DPYN_TEST_TIMEOUT_MULTIPLIER="${PYN_TEST_TIMEOUT_MULTIPLIER:-1}"; then
	fallbacks build || failed+=(fallbacks)
	ctest --test-dir build -j2 --output-on-failure --timeout 600 |
		tee build/ctest.log
	main=${PIPESTATUS[0]}
	if grep -q '(Skipped)$' build/ctest.log; then
		echo "== skipped in build (the summary again below):"
		skipped build build/ctest.log
		sed -n '/% tests passed/,$p' build/ctest.log
	fi
else
	main=1
	echo "build: build failed"
fi

[ ${#failed[@]} -eq 0 ] && [ $main = 0 ]
