# SPDX-License-Identifier: MIT
# Tests of the pyntest program and its reporters (runner/, runner/report/).
# The JUnit writer, by concern (tests/unit/junit_test.h): valid reports
# (part junit10: the third-party schema too) and what they say.
pyn_add_unit_test(test-junit-valid SOURCES unit/test-junit-valid.c
  LIBS pyntest_report LABELS runner PARTS junit10)
pyn_add_unit_test(test-junit-outcomes SOURCES unit/test-junit-outcomes.c
  LIBS pyntest_report LABELS runner)
foreach(_t test-junit-valid test-junit-outcomes)
  target_compile_definitions(${_t} PRIVATE
    PYN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endforeach()
# Reading reports back: the XML scanner's element skip.
pyn_add_unit_test(test-xml-read SOURCES unit/test-xml-read.c
  LIBS pyntest_report LABELS runner)
pyn_add_unit_test(test-tap SOURCES unit/test-tap.c LIBS pyntest_report
  LABELS runner)
pyn_add_unit_test(test-console SOURCES unit/test-console.c LIBS pyntest_report
  LABELS runner)
pyn_add_unit_test(test-verdict SOURCES unit/test-verdict.c
  LIBS pyntest_cli_parts LABELS runner)
pyn_add_unit_test(test-runner-cli SOURCES unit/test-runner-cli.c
  LIBS pyntest_cli_parts LABELS runner)
target_compile_definitions(test-runner-cli PRIVATE
  PYN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

# The real program on a real library: retries, fail-fast, shards, signals.
add_library(pyn_runner_fixture SHARED unit/test-runner-fixture.c)
target_link_libraries(pyn_runner_fixture PRIVATE PkgConfig::CUNIT)
set_target_properties(pyn_runner_fixture PROPERTIES
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/unit
  C_VISIBILITY_PRESET default)
pyn_add_unit_test(test-runner-e2e SOURCES unit/test-runner-e2e.c
  LABELS runner e2e PARTS junit10)
add_dependencies(test-runner-e2e pyntest_cli pyn_runner_fixture)
target_compile_definitions(test-runner-e2e PRIVATE
  PYN_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
  PYN_PYNTEST="$<TARGET_FILE:pyntest_cli>"
  PYN_FIXTURE="$<TARGET_FILE:pyn_runner_fixture>")
