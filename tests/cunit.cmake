# SPDX-License-Identifier: MIT
# tests/cunit.cmake - real CUnit projects run unchanged (issue 9): the
# programs and libraries of tests/cunit, and the e2e script that runs
# them through the real pyntest.
add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/cunit ${CMAKE_CURRENT_BINARY_DIR}/cunit)

add_test(NAME e2e.cunit
  COMMAND ${PYN_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/cunit/cunit.py
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/cunit)
set_tests_properties(e2e.cunit PROPERTIES
  ENVIRONMENT "PYNTEST=${PROJECT_BINARY_DIR}/${CMAKE_INSTALL_BINDIR}/pyntest;PYN_SOURCE_DIR=${PROJECT_SOURCE_DIR};PYN_BINARY_DIR=${PROJECT_BINARY_DIR};PYN_CUNIT_DIR=${PYN_CUNIT_DIR};PYN_SANITIZE=${PYN_SANITIZE};PYTHONDONTWRITEBYTECODE=1"
  TIMEOUT 180
  SKIP_RETURN_CODE 77
  RUN_SERIAL TRUE
  LABELS "e2e;cunit")
