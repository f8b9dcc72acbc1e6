# SPDX-License-Identifier: MIT
# tests/programs.cmake - whole CUnit projects (issue 19): the fixture
# programs of tests/programs and the e2e script that runs them.
add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/programs ${CMAKE_CURRENT_BINARY_DIR}/programs)

add_test(NAME e2e.programs
  COMMAND ${PYN_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/programs/programs.py
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/programs)
set_tests_properties(e2e.programs PROPERTIES
  ENVIRONMENT "PYNTEST=${PROJECT_BINARY_DIR}/${CMAKE_INSTALL_BINDIR}/pyntest;PYN_SOURCE_DIR=${PROJECT_SOURCE_DIR};PYN_BINARY_DIR=${PROJECT_BINARY_DIR};PYN_PROGRAMS_DIR=${PYN_PROGRAMS_DIR};PYN_SANITIZE=${PYN_SANITIZE};PYTHONDONTWRITEBYTECODE=1"
  TIMEOUT 180
  SKIP_RETURN_CODE 77
  RUN_SERIAL TRUE
  LABELS "e2e;cunit")
