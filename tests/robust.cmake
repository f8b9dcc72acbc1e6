# SPDX-License-Identifier: MIT
# tests/robust.cmake - robustness under hostile tests, interrupts and bad
# input (issue 4): fixture libraries in tests/robust, scripts run by
# Debian's python3 with the e2e helpers (tests/e2e/pyn_e2e.py).
# The soak (bench/soak.sh) is not part of ctest.

add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/robust ${CMAKE_CURRENT_BINARY_DIR}/robust)

set(_pyn_rb_env
  "PYNTEST=${PROJECT_BINARY_DIR}/${CMAKE_INSTALL_BINDIR}/pyntest"
  "PYN_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
  "PYN_BINARY_DIR=${PROJECT_BINARY_DIR}"
  "PYN_FIXTURE_DIR=${PYN_ROBUST_DIR}"
  "PYN_SANITIZE=${PYN_SANITIZE}"
  "PYTHONDONTWRITEBYTECODE=1")
list(APPEND _pyn_rb_env "PYNTEST_PLUGIN_PATH=${PYN_BUILD_MODULE_DIR}")

foreach(_rb processes signals every_signal stray_report spool terminal output bad_libraries)
  add_test(NAME robust.${_rb}
    COMMAND ${PYN_SYSTEM_PYTHON} ${PROJECT_SOURCE_DIR}/tests/robust/${_rb}.py
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/robust)
  set_tests_properties(robust.${_rb} PROPERTIES
    ENVIRONMENT "${_pyn_rb_env}"
    TIMEOUT 180
    SKIP_RETURN_CODE 77
    RUN_SERIAL TRUE
    LABELS "e2e;robust")
endforeach()
