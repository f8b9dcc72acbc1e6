# SPDX-License-Identifier: MIT
# tests/e2e.cmake - the fixture libraries (tests/objects) and the
# end-to-end tests (tests/e2e), which run the real bin/pyntest on the
# manifests of tests/suites and check exit codes, messages and reports.
#
# Each e2e test is a script run by Debian's python3 (junitparser); it
# prints every check, and exits 77 with the reason when it must skip.
# A script with PARTS runs one part a time (its first argument), each a
# ctest test of its own, e2e.NAME.PART: a part that cannot run here is
# Skipped without hiding what the others checked.

add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/objects ${CMAKE_CURRENT_BINARY_DIR}/objects)

set(_pyn_e2e_env
  "PYNTEST=${PROJECT_BINARY_DIR}/${CMAKE_INSTALL_BINDIR}/pyntest"
  "PYN_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
  "PYN_BINARY_DIR=${PROJECT_BINARY_DIR}"
  "PYN_FIXTURE_DIR=${PYN_FIXTURE_DIR}"
  "PYN_SANITIZE=${PYN_SANITIZE}"
  # The library the bad-input manifests of tests/suites/bad load.
  "PYN_BAD_LIB_DIR=$<TARGET_FILE_DIR:pyn_config_fixture>"
  "PYTHONDONTWRITEBYTECODE=1")

# pyn_add_e2e_test(NAME [SERIAL] [TIMEOUT s] [PARTS part...])
function(pyn_add_e2e_test name)
  cmake_parse_arguments(T "SERIAL" "TIMEOUT" "PARTS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set(_script ${PROJECT_SOURCE_DIR}/tests/e2e/${name}.py)
  set(_tests)
  if(T_PARTS)
    foreach(_p IN LISTS T_PARTS)
      add_test(NAME e2e.${name}.${_p} COMMAND ${PYN_SYSTEM_PYTHON} ${_script} ${_p}
        WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/e2e)
      list(APPEND _tests e2e.${name}.${_p})
    endforeach()
  else()
    add_test(NAME e2e.${name} COMMAND ${PYN_SYSTEM_PYTHON} ${_script}
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/e2e)
    set(_tests e2e.${name})
  endif()
  set_tests_properties(${_tests} PROPERTIES
    ENVIRONMENT "${_pyn_e2e_env}"
    TIMEOUT ${T_TIMEOUT}
    SKIP_RETURN_CODE 77
    LABELS "e2e")
  if(T_SERIAL)
    # Timing-sensitive: wall-time figures, signals, process scans.
    set_tests_properties(${_tests} PROPERTIES RUN_SERIAL TRUE)
  endif()
endfunction()

pyn_add_e2e_test(exit_codes)
pyn_add_e2e_test(formats SERIAL)
pyn_add_e2e_test(tap_consumers TIMEOUT 600 PARTS meson automake)
pyn_add_e2e_test(report_paths)
pyn_add_e2e_test(usage_early)
pyn_add_e2e_test(bad_manifests)
pyn_add_e2e_test(many_errors)
pyn_add_e2e_test(junit SERIAL PARTS project third_party)
pyn_add_e2e_test(outcomes SERIAL)
pyn_add_e2e_test(memory_providers SERIAL PARTS rlimit cgroup1 cgroup2)
pyn_add_e2e_test(interrupt SERIAL)
pyn_add_e2e_test(hostile SERIAL TIMEOUT 240)
pyn_add_e2e_test(example SERIAL)
pyn_add_e2e_test(isolation SERIAL)
pyn_add_e2e_test(valgrind TIMEOUT 300)
pyn_add_e2e_test(enforce)
pyn_add_e2e_test(shards SERIAL)
pyn_add_e2e_test(partitions)
pyn_add_e2e_test(merge)
# merge --html and the exact rerun commands, in headless Chromium.
pyn_add_e2e_test(merge_html SERIAL)
pyn_add_e2e_test(plugins_by_name)
pyn_add_e2e_test(runpath)
pyn_add_e2e_test(defects_engine SERIAL)
pyn_add_e2e_test(defects_runner)
# Habits from pytest, nextest and ctest (issue 21): -k, -x, --lf, summary.
pyn_add_e2e_test(habits)
# --exact: -k patterns as whole ids (issue 21, the HTML rerun commands).
pyn_add_e2e_test(exact)
pyn_add_e2e_test(missing_dep)
pyn_add_e2e_test(prestart SERIAL)
pyn_add_e2e_test(stopped_server SERIAL PARTS stopped stall)
# The worker takes the runner's probe results; plug-ins still load there.
pyn_add_e2e_test(spawn_probe SERIAL PARTS memory.rlimit memory.cgroup1
  memory.cgroup2 only_runner_probes plugin)
pyn_add_e2e_test(pin)
pyn_add_e2e_test(providers SERIAL TIMEOUT 240 PARTS quick_subreaper
  quick_unprivileged alloc mmap child_cgroup escape sigxcpu)
foreach(_p memory.rlimit memory.cgroup1 memory.cgroup2 only_runner_probes plugin)
  set_property(TEST e2e.spawn_probe.${_p} APPEND PROPERTY ENVIRONMENT
    "PYN_MODULE_DIR=${PYN_BUILD_MODULE_DIR}"
    "PYN_FIXTURE_LIMITER_DIR=${PYN_FIXTURE_LIMITER_DIR}")
endforeach()

# The pyntest_test Bazel rule under a real `bazel test` (bazel-bootstrap).
pyn_add_e2e_test(bazel TIMEOUT 900)
set_tests_properties(e2e.bazel PROPERTIES LABELS "e2e;bazel")

# Coverage through pyntest (issue 18): gcov with gcovr, LLVM with llvm-cov.
pyn_add_e2e_test(coverage TIMEOUT 240 PARTS gcc clang)
