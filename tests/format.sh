#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/format.sh - check that every tracked .c and .h file is as
# clang-format writes it with the repository's .clang-format (STYLE.md §7).
#
#   bash tests/format.sh          list the files that differ; exit 1 if any
#   bash tests/format.sh --fix    rewrite them in place
#
# test.sh runs the check when PYN_FORMAT_CHECK=1.  clang-format comes from
# Debian's clang-format package (.ci/deps).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

fix=0
case ${1:-} in
--fix) fix=1 ;;
'') ;;
*)
	echo "usage: bash tests/format.sh [--fix]" >&2
	exit 2
	;;
esac

cf=$(command -v clang-format || command -v clang-format-14) || {
	echo "format: clang-format is not installed (apt-get install clang-format)"
	exit 1
}
if ! files=$(git ls-files -- '*.c' '*.h' 2>/dev/null) || [ -z "$files" ]; then
	echo "format: not a git checkout: no tracked .c/.h files to check"
	exit 1
fi

bad=()
while IFS= read -r f; do
	if [ $fix = 1 ]; then
		"$cf" -i --style=file "$f" || bad+=("$f")
	elif ! "$cf" --dry-run --Werror --style=file "$f" >/dev/null 2>&1; then
		bad+=("$f")
	fi
done <<<"$files"

n=$(wc -l <<<"$files")
if [ ${#bad[@]} -eq 0 ]; then
	echo "format: $n files as clang-format writes them"
	exit 0
fi
if [ $fix = 1 ]; then
	echo "format: clang-format failed on: ${bad[*]}"
	exit 1
fi
echo "format: ${#bad[@]} of $n files differ from clang-format's output" \
	"(bash tests/format.sh --fix rewrites them; clang-format --dry-run FILE shows how):"
printf '  %s\n' "${bad[@]}"
exit 1
