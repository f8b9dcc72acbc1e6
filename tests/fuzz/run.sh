#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/fuzz/run.sh SOURCE_DIR WORK_DIR SECONDS [SHARED_OBJECT...]
#
# Build the config fuzzers with clang (-fsanitize=fuzzer,address,undefined)
# and run each for SECONDS from the seed corpus in tests/fuzz/corpus/
# (the project's manifests are added to the manifest corpus, the shared
# objects given and a few system ones to the ELF corpus).  Fails on any
# crash, leak or sanitizer report, and when clang or libFuzzer is missing
# (.ci/deps installs clang and libclang-rt-14-dev).
set -u
src=${1:?source dir}
work=${2:?work dir}
secs=${3:-15}
shift 3 2>/dev/null || shift $#
objects=("$@")

cc=$(command -v clang || command -v clang-14 || true)
if [ -z "$cc" ]; then
	echo "FAIL: clang not found (apt-get install clang libclang-rt-14-dev)"
	exit 1
fi
mkdir -p "$work"
probe="$work/probe.c"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$probe"
if ! "$cc" -fsanitize=fuzzer "$probe" -o "$work/probe" 2>"$work/probe.log"; then
	echo "FAIL: $cc cannot link libFuzzer (apt-get install libclang-rt-14-dev):"
	cat "$work/probe.log"
	exit 1
fi

cflags=(-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=all -I"$src/include" -I"$src")
yaml_flags=$(pkg-config --cflags --libs yaml-0.1 2>/dev/null || echo -lyaml)
# config/ and what it stands on: every file of base/.
config=("$src"/base/*.c "$src"/config/*.c)
status=0
for target in manifest units elf; do
	exe="$work/fuzz_$target"
	# shellcheck disable=SC2086
	if ! "$cc" "${cflags[@]}" "$src/tests/fuzz/fuzz_$target.c" "${config[@]}" \
		$yaml_flags -lm -o "$exe"; then
		echo "FAIL: cannot build fuzz_$target"
		exit 1
	fi
	corpus="$work/corpus-$target"
	rm -rf "$corpus"
	mkdir -p "$corpus"
	cp "$src/tests/fuzz/corpus/$target/"* "$corpus/" 2>/dev/null
	if [ "$target" = manifest ]; then
		# Every manifest of the project is a seed.
		find "$src/tests" "$src/examples" -name '*.yaml' -type f 2>/dev/null |
			while read -r f; do cp "$f" "$corpus/$(echo "$f" | md5sum | cut -c1-12).yaml"; done
	fi
	if [ "$target" = elf ]; then
		n=0
		for f in "${objects[@]}" /bin/true "$(ls /usr/lib/*/libyaml-0.so.* 2>/dev/null | head -1)"; do
			[ -f "$f" ] && cp "$f" "$corpus/seed$((n++)).so"
		done
	fi
	echo "== fuzz_$target: $(ls "$corpus" | wc -l) seeds, ${secs}s"
	rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*
	# The seed corpus is read-only input; new finds go to the copy.
	(cd "$work" && "$exe" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=1024 -max_len=$([ $target = elf ] && echo 65536 || echo 4096) -print_final_stats=1 \
		"$corpus" >"$work/fuzz_$target.log" 2>&1)
	rc=$?
	tail -15 "$work/fuzz_$target.log"
	if [ $rc -ne 0 ]; then
		echo "FAIL: fuzz_$target exited $rc (log: $work/fuzz_$target.log)"
		status=1
	fi
	if ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* >/dev/null 2>&1; then
		echo "FAIL: fuzz_$target found inputs that break it:"
		ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null
		status=1
	fi
done
exit $status
