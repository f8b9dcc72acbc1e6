#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# example.sh - install what is missing, build pyntest, run the example suite.
#
#   bash example.sh
#
# Prints the example's summary and writes build/example-report.xml.  The
# example fails some tests on purpose (see README.md), so this exits 1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# shellcheck source=.ci/deps
. .ci/deps
pyn_install_deps build

cmake -S . -B build -DPYN_WERROR=ON >/dev/null
cmake --build build -j2 >/dev/null || cmake --build build -j1

echo
echo "+ build/bin/pyntest -o build/example-report.xml examples/suite.yaml"
set +e
build/bin/pyntest -o build/example-report.xml examples/suite.yaml
status=$?
set -e
echo
echo "pyntest exited $status (1: some tests did not meet their expectation);" \
     "JUnit report: build/example-report.xml"
exit $status
