# SPDX-License-Identifier: MIT
# tests/fidelity.cmake - what a test's process sees at its start (issue
# 18, "Fidelity"): the probe of tests/fidelity, compared under pyntest
# with a program's own run by tests/e2e/fidelity.py, every isolation mode.
add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/fidelity ${CMAKE_CURRENT_BINARY_DIR}/fidelity)

pyn_add_e2e_test(fidelity PARTS fork spawn forkserver)
set_tests_properties(e2e.fidelity.fork e2e.fidelity.spawn e2e.fidelity.forkserver
  PROPERTIES ENVIRONMENT_MODIFICATION "PYN_FIDELITY_DIR=set:${PYN_FIDELITY_DIR}")
