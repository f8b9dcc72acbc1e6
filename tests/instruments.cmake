# SPDX-License-Identifier: MIT
# tests/instruments.cmake - tests built with the C toolchain's instruments
# run through pyntest (issue 18).  tests/instruments/sanitizers.py builds
# its fixtures (san.c, san_main.c) with gcc and clang and runs them in
# every isolation mode, one ctest test per part.
foreach(_p gcc_library clang_library gcc_program clang_program tsan memory
    scale)
  add_test(NAME e2e.sanitizers.${_p}
    COMMAND ${PYN_SYSTEM_PYTHON}
      ${CMAKE_CURRENT_SOURCE_DIR}/instruments/sanitizers.py ${_p}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/instruments)
  set_tests_properties(e2e.sanitizers.${_p} PROPERTIES
    ENVIRONMENT "${_pyn_e2e_env}"
    TIMEOUT 600
    SKIP_RETURN_CODE 77
    LABELS "e2e;instruments")
endforeach()
# Memory limits: the machine's memory is what they measure.
set_tests_properties(e2e.sanitizers.memory PROPERTIES RUN_SERIAL TRUE)
