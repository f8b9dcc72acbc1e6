#!/usr/bin/env bash
# test.sh - what CI runs: install what is missing, build build/ and an
# ASan+UBSan build-asan/, run ctest in both.
#
#   bash test.sh
#
# Exits non-zero if either ctest run failed.  The last thing printed is
# ctest's summary of the main build.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# shellcheck source=.ci/deps
. .ci/deps
pyn_install_deps test || exit 1

build() # DIR CMAKE-ARGS...
{
	local dir=$1
	shift
	echo "== configure and build $dir"
	cmake -S . -B "$dir" -DPYN_WERROR=ON "$@" >"$dir/configure.log" 2>&1 ||
		{ cat "$dir/configure.log"; return 1; }
	cmake --build "$dir" -j2 >"$dir/build.log" 2>&1 ||
		{ tail -n 60 "$dir/build.log"; return 1; }
}

mkdir -p build build-asan
status=0

asan=0
if build build-asan '-DPYN_SANITIZE=address;undefined'; then
	echo "== ctest build-asan"
	ctest --test-dir build-asan -j2 --output-on-failure --timeout 600 || asan=1
else
	asan=1
	echo "build-asan: build failed"
fi

[ $asan = 0 ] && echo "build-asan: all tests passed" || echo "build-asan: FAILED (see above)"

main=0
if build build; then
	echo "== ctest build"
	ctest --test-dir build -j2 --output-on-failure --timeout 600 || main=1
else
	main=1
	echo "build: build failed"
fi

[ $asan = 0 ] || status=1
[ $main = 0 ] || status=1
exit $status
