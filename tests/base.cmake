# SPDX-License-Identifier: MIT
# base: the tables (outcomes, signals, errors, did-you-mean) and the one
# unit grammar, asked of the parser, a manifest and the C API alike.

pyn_add_unit_test(test-base SOURCES unit/test-base.c
  LIBS pyntest_base LABELS base)

pyn_add_unit_test(test-units SOURCES unit/test-units.c
  LIBS pyntest_config ${CMAKE_DL_LIBS} LABELS "base;config")
target_compile_definitions(test-units PRIVATE
  PYN_UNITS_TABLE="${CMAKE_CURRENT_SOURCE_DIR}/unit/units-grammar.txt"
  PYN_LIBPYNTEST="$<TARGET_FILE:libpyntest>")
add_dependencies(test-units libpyntest)
