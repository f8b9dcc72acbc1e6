# SPDX-License-Identifier: MIT
# config: manifests, the plan, bad-input fixtures, fuzzing (units: base.cmake).

# A tiny shared object whose symbol table the plan tests read (functions,
# data, a hidden one).  Default visibility for its exports is explicit, so
# the project-wide hidden preset is fine.  Built into lib/ so that the
# bad-input fixtures find it through PYNTEST_LIBRARY_PATH=<build>/lib.
add_library(pyn_config_fixture SHARED ${CMAKE_CURRENT_SOURCE_DIR}/suites/bad/fixture_lib.c)

# manifests read and checked, by concern (tests/unit/manifest_test.h).
foreach(_t read check)
  pyn_add_unit_test(test-manifest-${_t}
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test-manifest-${_t}.c
    LIBS pyntest_config LABELS config)
endforeach()
pyn_add_unit_test(test-manifest-errors SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test-manifest-errors.c
  LIBS pyntest_config LABELS config)
# manifests -> plan, by concern (tests/unit/plan_test.h).
foreach(_t settings objects select)
  pyn_add_unit_test(test-plan-${_t}
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test-plan-${_t}.c
    LIBS pyntest_config LABELS config)
  target_compile_definitions(test-plan-${_t} PRIVATE
    PYN_CONFIG_FIXTURE="$<TARGET_FILE:pyn_config_fixture>")
  add_dependencies(test-plan-${_t} pyn_config_fixture)
endforeach()

# Every tests/suites/bad/NAME.yaml must fail with the first line of
# NAME.expect, exactly (FILE:LINE:COLUMN: error: MESSAGE).
pyn_add_unit_test(test-config-bad SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test-config-bad.c
  LIBS pyntest_config LABELS config)
target_compile_definitions(test-config-bad PRIVATE
  PYN_BAD_DIR="${CMAKE_CURRENT_SOURCE_DIR}/suites/bad"
  PYN_FIXTURE_LIB_DIR="$<TARGET_FILE_DIR:pyn_config_fixture>")
add_dependencies(test-config-bad pyn_config_fixture)

# Fuzzing (libFuzzer needs clang): tests/fuzz/run.sh builds the fuzzers in
# its own folder and runs each for a bounded time from the seed corpus.
add_test(NAME config-fuzz
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/run.sh ${PROJECT_SOURCE_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/fuzz 10 $<TARGET_FILE:pyn_config_fixture>)
set_tests_properties(config-fuzz PROPERTIES LABELS "fuzz;config"
  TIMEOUT 300)
