# Tests of the pyntest program and its reporters (runner/, runner/report/).
pyn_add_unit_test(test-junit SOURCES unit/test-junit.c LIBS pyntest_report
  LABELS runner)
target_compile_definitions(test-junit PRIVATE
  PYN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
pyn_add_unit_test(test-console SOURCES unit/test-console.c LIBS pyntest_report
  LABELS runner)
if(TARGET pyntest_cli_parts)
  pyn_add_unit_test(test-runner-cli SOURCES unit/test-runner-cli.c
    LIBS pyntest_cli_parts LABELS runner)
endif()
