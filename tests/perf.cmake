# SPDX-License-Identifier: MIT
# tests/perf.cmake - behaviour checks of the scheduler (issue 5 §2): -j N
# keeps N tests running, the duration cache starts the longest known test
# first, the report keeps manifest order whatever the finishing order.
# Behaviour only, never timing thresholds: figures are bench/run.sh's.

add_library(pyn_perf_sleepy SHARED ${CMAKE_CURRENT_SOURCE_DIR}/perf/sleepy.c)
set_target_properties(pyn_perf_sleepy PROPERTIES
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/perf
  C_VISIBILITY_PRESET default)

add_test(NAME perf.scheduler
  COMMAND ${PYN_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/perf/scheduler.py
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/perf)
set_tests_properties(perf.scheduler PROPERTIES
  ENVIRONMENT "PYNTEST=${PROJECT_BINARY_DIR}/${CMAKE_INSTALL_BINDIR}/pyntest;PYN_SOURCE_DIR=${PROJECT_SOURCE_DIR};PYN_BINARY_DIR=${PROJECT_BINARY_DIR};PYN_PERF_LIB=$<TARGET_FILE:pyn_perf_sleepy>;PYTHONDONTWRITEBYTECODE=1"
  TIMEOUT 120
  SKIP_RETURN_CODE 77
  # Sleeping tests: run alone so overlap is the runner's doing.
  RUN_SERIAL TRUE
  LABELS "e2e;perf")
