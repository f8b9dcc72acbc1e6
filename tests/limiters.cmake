# SPDX-License-Identifier: MIT
# Tests of the plug-in host (host/) and the limiters (limiters/).
#
# The unit tests link the host and the built-in limiters directly, with
# base/ below them (pyn_error_set) and without the engine (but placed.c,
# whose placed_in the tests hand to the host as the engine would).

set(PYN_LIMITER_TEST_SOURCES
  ${PYN_HOST_SOURCES}
  ${PROJECT_SOURCE_DIR}/engine/placed.c
  ${PYN_BUILTIN_LIMITER_SOURCES})
set(PYN_FIXTURE_LIMITER_DIR ${CMAKE_CURRENT_BINARY_DIR}/limiters)

# Fixture plug-ins: one MODULE per kind, from tests/limiters/fixture.c.
set(PYN_FIXTURE_KINDS old_struct too_small newer_abi no_entry duplicate
  null_hooks failing_apply crashing_apply init_fails before_enforces)
set(_pyn_fixture_targets)
foreach(kind ${PYN_FIXTURE_KINDS})
  add_library(fixture_${kind} MODULE ${CMAKE_CURRENT_SOURCE_DIR}/limiters/fixture.c)
  target_include_directories(fixture_${kind} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  target_compile_definitions(fixture_${kind} PRIVATE FIXTURE_KIND=${kind})
  set_target_properties(fixture_${kind} PROPERTIES PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY ${PYN_FIXTURE_LIMITER_DIR})
  list(APPEND _pyn_fixture_targets fixture_${kind})
endforeach()

# pyn_add_limiter_unit_test(NAME [PARTS test...])
function(pyn_add_limiter_unit_test name)
  pyn_add_unit_test(${name} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/${name}.c
    ${PYN_LIMITER_TEST_SOURCES} LIBS pyntest_base pyn_ltdl Threads::Threads
    LABELS limiters ${ARGN})
  target_compile_definitions(${name} PRIVATE
    PYN_FIXTURE_LIMITER_DIR="${PYN_FIXTURE_LIMITER_DIR}"
    PYN_MODULE_DIR="${PYN_BUILD_MODULE_DIR}")
  set_source_files_properties(${PYN_BUILTIN_LIMITER_SOURCES}
    TARGET_DIRECTORY ${name} PROPERTIES COMPILE_DEFINITIONS PYN_LIMITER_BUILTIN)
  if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${name} PRIVATE -Wno-format-truncation)
  endif()
  # Each test is its own process: the registry is process-global.
  pyn_unit_test_properties(${name} RUN_SERIAL TRUE)
endfunction()

# Symbols of each kind, for pyn__module_function(): with a GNU hash table,
# and with only a SysV one.
foreach(hash gnu sysv)
  add_library(fixture_symbols_${hash} MODULE ${CMAKE_CURRENT_SOURCE_DIR}/limiters/symbols.c)
  target_link_options(fixture_symbols_${hash} PRIVATE
    -Wl,--hash-style=${hash}
    -Wl,--version-script=${CMAKE_CURRENT_SOURCE_DIR}/limiters/symbols.map)
  set_target_properties(fixture_symbols_${hash} PROPERTIES PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY ${PYN_FIXTURE_LIMITER_DIR}
    LINK_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/limiters/symbols.map)
  list(APPEND _pyn_fixture_targets fixture_symbols_${hash})
endforeach()

pyn_add_limiter_unit_test(test-registry)
add_dependencies(test-registry ${_pyn_fixture_targets})
pyn_add_limiter_unit_test(test-registry-providers PARTS cgroup.run_dirs
  cgroup.stale_run_dir cgroup.run_dir_at_exit cgroup.probe_no_run_dir)
# The built-in limiters (tests/unit/limiter_test.h drives their hooks).
pyn_add_limiter_unit_test(test-limiter-util)
pyn_add_limiter_unit_test(test-limiter-time)
pyn_add_limiter_unit_test(test-limiter-memory PARTS_ONLY PARTS cgroup1 rlimit
  cgroup2 alloc_failed_but_passed)
pyn_add_limiter_unit_test(test-limiter-tree PARTS_ONLY PARTS cgroup2 subreaper)

# A plug-in built out of tree against only include/, then loaded by
# test-registry (PYN_TEST_OOT_PLUGIN).
set(_oot_build ${CMAKE_CURRENT_BINARY_DIR}/limiters/out_of_tree)
add_test(NAME limiters-out-of-tree-build
  COMMAND ${CMAKE_COMMAND} -E env --unset=CFLAGS
    sh -c "rm -rf '${_oot_build}' && ${CMAKE_COMMAND} -S '${CMAKE_CURRENT_SOURCE_DIR}/limiters/out_of_tree' -B '${_oot_build}' -DCMAKE_C_COMPILER='${CMAKE_C_COMPILER}' -DPYN_INCLUDE_DIR='${PROJECT_SOURCE_DIR}/include' >/dev/null && ${CMAKE_COMMAND} --build '${_oot_build}'")
set_tests_properties(limiters-out-of-tree-build PROPERTIES
  FIXTURES_SETUP pyn_oot_limiter LABELS limiters TIMEOUT 120)
pyn_unit_test_properties(test-registry FIXTURES_REQUIRED pyn_oot_limiter
  ENVIRONMENT "PYN_TEST_OOT_PLUGIN=${_oot_build}/oot_limiter.so")

pyn_add_limiter_unit_test(test-limiter-examples PARTS max_procs no_network)
add_dependencies(test-limiter-examples max_files max_procs no_network max_file_size)

# The plug-ins through the real CLI: a fixture test library and a script
# using the e2e helpers (tests/e2e/pyn_e2e.py).
add_library(pyn_lx_plugins SHARED ${CMAKE_CURRENT_SOURCE_DIR}/limiters/plugin_tests.c)
target_link_libraries(pyn_lx_plugins PRIVATE PkgConfig::CUNIT)
target_include_directories(pyn_lx_plugins PRIVATE ${PROJECT_SOURCE_DIR}/include)
set_target_properties(pyn_lx_plugins PROPERTIES
  LIBRARY_OUTPUT_DIRECTORY ${PYN_FIXTURE_LIMITER_DIR}
  C_VISIBILITY_PRESET default)

# One ctest test per part of the script (each may skip here).
foreach(_p plugins no_network escape.cgroup2 escape.subreaper)
  add_test(NAME limiters-e2e-plugins.${_p}
    COMMAND ${PYN_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/limiters/e2e_plugins.py ${_p})
  set_tests_properties(limiters-e2e-plugins.${_p} PROPERTIES
    FIXTURES_REQUIRED pyn_oot_limiter LABELS "limiters;e2e" RUN_SERIAL TRUE
    TIMEOUT 120 SKIP_RETURN_CODE 77
    ENVIRONMENT "PYNTEST=${PROJECT_BINARY_DIR}/${CMAKE_INSTALL_BINDIR}/pyntest;PYN_SOURCE_DIR=${PROJECT_SOURCE_DIR};PYN_BINARY_DIR=${PROJECT_BINARY_DIR};PYN_MODULE_DIR=${PYN_BUILD_MODULE_DIR};PYN_FIXTURE_LIMITER_DIR=${PYN_FIXTURE_LIMITER_DIR};PYN_TEST_OOT_PLUGIN=${_oot_build}/oot_limiter.so;PYN_SANITIZE=${PYN_SANITIZE};PYTHONDONTWRITEBYTECODE=1")
endforeach()

# The engine learns who enforces the wall time from the limiters' ABI
# (`enforces`): fx_wall enforces it under its own name, and
# fixture_before_enforces (0.1.0's struct) loads and enforces nothing.
add_library(fx_wall MODULE ${CMAKE_CURRENT_SOURCE_DIR}/limiters/fx_wall.c)
target_include_directories(fx_wall PRIVATE ${PROJECT_SOURCE_DIR}/include)
set_target_properties(fx_wall PROPERTIES PREFIX ""
  LIBRARY_OUTPUT_DIRECTORY ${PYN_FIXTURE_LIMITER_DIR})
pyn_add_unit_test(test-enforces SOURCES unit/test-enforces.c
  LIBS libpyntest LABELS limiters)
target_compile_definitions(test-enforces PRIVATE
  FX_WALL="$<TARGET_FILE:fx_wall>"
  FIXTURE_BEFORE_ENFORCES="$<TARGET_FILE:fixture_before_enforces>")
add_dependencies(test-enforces fx_wall fixture_before_enforces)
