# SPDX-License-Identifier: MIT
# tests/debug.cmake - the debugging tests (tests/debug): gdb and rr on
# `pyntest --debug`, the valgrind wrapper, a crash's place, core dumps.
add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/debug ${CMAKE_CURRENT_BINARY_DIR}/debug)
