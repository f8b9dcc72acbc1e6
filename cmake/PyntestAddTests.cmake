# SPDX-License-Identifier: MIT
# PyntestAddTests.cmake - register pyntest manifests with CTest.
#
# Included by pyntestConfig.cmake (find_package(pyntest)) and, in pyntest's
# own build tree, by cmake/install.cmake (add_subdirectory users).  Uses the
# runner target pyntest::pyntest.  See docs/cmake.md.
#
# pyntest_discover_tests(MANIFEST path
#     [TARGET tgt...]            test libraries the manifest loads: their
#                                folders go on PYNTEST_LIBRARY_PATH and a
#                                rebuild of one re-runs discovery
#     [EXTRA_ARGS arg...]        more pyntest options for every test
#     [PROPERTIES name value...] more CTest properties for every test
#     [TEST_PREFIX p] [TEST_SUFFIX s]
#     [WORKING_DIRECTORY dir]
#     [TIMEOUT seconds]          CTest's backstop kill (default: see below)
#     [DISCOVERY_TIMEOUT seconds] for `pyntest --list` (default 30)
#     [TEST_LIST var])           set to the registered names, in ctest scope
#
#   Like gtest_discover_tests(DISCOVERY_MODE PRE_TEST): just before ctest
#   runs, `pyntest --list MANIFEST` gives the test ids and every id becomes
#   a CTest test `<prefix><id><suffix>` running `pyntest -k <id> MANIFEST`,
#   with LABELS "pyntest;<suite>", SKIP_RETURN_CODE 5 and a
#   SKIP_REGULAR_EXPRESSION on pyntest's summary line `0 passed, 0 failed,
#   1 skipped`, so a test that calls pyn_skip() is "Skipped" in CTest.
#   The list is re-read only when the manifest, the runner or a TARGET
#   changed.  If the manifest is broken, one test named
#   `<prefix><manifest>_DISCOVERY_FAILED` runs `pyntest --check` on it, so
#   the error shows in ctest's output instead of aborting ctest.
#
#   TIMEOUT: pyntest enforces the manifest's limits itself and reports the
#   outcome; CTest's TIMEOUT is only the backstop for a runner that cannot
#   finish.  Each discovered test gets at least its own wall_time + 30 s
#   (and twice its cpu_time + 30 s), read from `pyntest --list -v`; the
#   floor is TIMEOUT, by default 60 s plus the EXTRA_ARGS `--wall-time`.
#
# pyntest_add_manifest(NAME name MANIFEST path
#     [TARGET tgt...] [EXTRA_ARGS arg...] [PROPERTIES name value...]
#     [WORKING_DIRECTORY dir] [TIMEOUT seconds] [JUNIT_XML path])
#
#   Registers the whole manifest as the single CTest test `name` (cheap: no
#   discovery step).  JUNIT_XML adds `-o path`.

# Functions are global but variables are not: under add_subdirectory() the
# caller's scope never sees variables set here, so nothing below reads any.

function(_pyntest_runner_and_env out_cmd out_env out_files)
  if(arg_PYNTEST)
    set(_cmd "${arg_PYNTEST}")
  elseif(TARGET pyntest::pyntest)
    set(_cmd "$<TARGET_FILE:pyntest::pyntest>")
  else()
    message(FATAL_ERROR "pyntest: no runner; find_package(pyntest) or add_subdirectory() pyntest first, or pass PYNTEST path")
  endif()
  set(_dirs "")
  set(_files "")
  foreach(_t IN LISTS arg_TARGET)
    if(NOT TARGET ${_t})
      message(FATAL_ERROR "pyntest: TARGET '${_t}' is not a target")
    endif()
    list(APPEND _dirs "$<TARGET_FILE_DIR:${_t}>")
    list(APPEND _files "$<TARGET_FILE:${_t}>")
  endforeach()
  list(REMOVE_DUPLICATES _dirs)
  list(JOIN _dirs ":" _path)
  set(${out_cmd} "${_cmd}" PARENT_SCOPE)
  set(${out_env} "${_path}" PARENT_SCOPE)
  set(${out_files} "${_files}" PARENT_SCOPE)
endfunction()

function(_pyntest_default_timeout out)
  if(arg_TIMEOUT)
    set(${out} ${arg_TIMEOUT} PARENT_SCOPE)
    return()
  endif()
  set(_t 60)
  list(FIND arg_EXTRA_ARGS "--wall-time" _i)
  if(_i GREATER -1)
    math(EXPR _i "${_i} + 1")
    list(LENGTH arg_EXTRA_ARGS _n)
    if(_i LESS _n)
      list(GET arg_EXTRA_ARGS ${_i} _v)
      if(_v MATCHES "^([0-9]+)(\\.[0-9]*)?(ms|s|m|h)?$")
        set(_s ${CMAKE_MATCH_1})
        if(CMAKE_MATCH_3 STREQUAL "ms")
          math(EXPR _s "${_s} / 1000 + 1")
        elseif(CMAKE_MATCH_3 STREQUAL "m")
          math(EXPR _s "${_s} * 60")
        elseif(CMAKE_MATCH_3 STREQUAL "h")
          math(EXPR _s "${_s} * 3600")
        endif()
        math(EXPR _t "${_t} + ${_s} + 1")
      endif()
    endif()
  endif()
  set(${out} ${_t} PARENT_SCOPE)
endfunction()

function(pyntest_discover_tests)
  cmake_parse_arguments(PARSE_ARGV 0 arg ""
    "MANIFEST;TEST_PREFIX;TEST_SUFFIX;WORKING_DIRECTORY;TIMEOUT;DISCOVERY_TIMEOUT;TEST_LIST;PYNTEST"
    "TARGET;EXTRA_ARGS;PROPERTIES")
  if(NOT arg_MANIFEST AND arg_UNPARSED_ARGUMENTS)
    list(POP_FRONT arg_UNPARSED_ARGUMENTS arg_MANIFEST)
  endif()
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "pyntest_discover_tests: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_MANIFEST)
    message(FATAL_ERROR "pyntest_discover_tests: MANIFEST is required")
  endif()
  get_filename_component(_manifest "${arg_MANIFEST}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT arg_WORKING_DIRECTORY)
    set(arg_WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  if(NOT arg_DISCOVERY_TIMEOUT)
    set(arg_DISCOVERY_TIMEOUT 30)
  endif()
  if(NOT arg_TEST_LIST)
    set(arg_TEST_LIST "")
  endif()
  _pyntest_runner_and_env(_cmd _libpath _deps)
  _pyntest_default_timeout(_timeout)

  # One pair of files per call: the include file CTest reads, and the
  # test list it writes.
  set(_here "${CMAKE_CURRENT_FUNCTION_LIST_DIR}")
  get_filename_component(_base "${_manifest}" NAME_WE)
  string(MAKE_C_IDENTIFIER "${arg_TEST_PREFIX}${_base}" _id)
  get_property(_used GLOBAL PROPERTY _PYNTEST_DISCOVER_STEMS)
  set(_n 0)
  while("${CMAKE_CURRENT_BINARY_DIR}/${_id}_${_n}" IN_LIST _used)
    math(EXPR _n "${_n} + 1")
  endwhile()
  set_property(GLOBAL APPEND PROPERTY _PYNTEST_DISCOVER_STEMS "${CMAKE_CURRENT_BINARY_DIR}/${_id}_${_n}")
  set(_stem "${CMAKE_CURRENT_BINARY_DIR}/pyntest_${_id}_${_n}")
  set(_include "${_stem}_include.cmake")
  set(_tests "${_stem}_tests.cmake")

  # Bracket arguments keep any path or argument verbatim.
  set(_q "]==]")
  set(_o "[==[")
  set(_args "")
  foreach(_a IN LISTS arg_EXTRA_ARGS)
    string(APPEND _args " ${_o}${_a}${_q}")
  endforeach()
  set(_props "")
  foreach(_a IN LISTS arg_PROPERTIES)
    string(APPEND _props " ${_o}${_a}${_q}")
  endforeach()
  set(_depargs "")
  foreach(_a IN LISTS _deps)
    string(APPEND _depargs " ${_o}${_a}${_q}")
  endforeach()

  file(GENERATE OUTPUT "${_include}" CONTENT
"# Generated by pyntest_discover_tests(); read by ctest.
include(${_o}${_here}/PyntestDiscoverTests.cmake${_q})
pyntest_discover_tests_impl(
  PYNTEST ${_o}${_cmd}${_q}
  MANIFEST ${_o}${_manifest}${_q}
  LIBRARY_PATH ${_o}${_libpath}${_q}
  DEPENDS${_depargs}
  EXTRA_ARGS${_args}
  PROPERTIES${_props}
  TEST_PREFIX ${_o}${arg_TEST_PREFIX}${_q}
  TEST_SUFFIX ${_o}${arg_TEST_SUFFIX}${_q}
  WORKING_DIRECTORY ${_o}${arg_WORKING_DIRECTORY}${_q}
  TIMEOUT ${_timeout}
  DISCOVERY_TIMEOUT ${arg_DISCOVERY_TIMEOUT}
  TEST_LIST ${_o}${arg_TEST_LIST}${_q}
  CTEST_FILE ${_o}${_tests}${_q})
include(${_o}${_tests}${_q})
")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${_include}")
endfunction()

function(pyntest_add_manifest)
  cmake_parse_arguments(PARSE_ARGV 0 arg ""
    "NAME;MANIFEST;WORKING_DIRECTORY;TIMEOUT;JUNIT_XML;PYNTEST"
    "TARGET;EXTRA_ARGS;PROPERTIES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "pyntest_add_manifest: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_NAME OR NOT arg_MANIFEST)
    message(FATAL_ERROR "pyntest_add_manifest: NAME and MANIFEST are required")
  endif()
  get_filename_component(_manifest "${arg_MANIFEST}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT arg_WORKING_DIRECTORY)
    set(arg_WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  _pyntest_runner_and_env(_cmd _libpath _deps)
  _pyntest_default_timeout(_timeout)
  set(_out "")
  if(arg_JUNIT_XML)
    get_filename_component(_xml "${arg_JUNIT_XML}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
    set(_out -o "${_xml}")
  endif()
  add_test(NAME "${arg_NAME}" COMMAND "${_cmd}" ${_out} ${arg_EXTRA_ARGS} "${_manifest}"
    WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
  set(_env "")
  if(_libpath)
    set(_env ENVIRONMENT_MODIFICATION "PYNTEST_LIBRARY_PATH=path_list_prepend:${_libpath}")
  endif()
  set_tests_properties("${arg_NAME}" PROPERTIES
    LABELS pyntest
    TIMEOUT ${_timeout}
    SKIP_RETURN_CODE 5   # pyntest: no test ran (SPEC §4)
    ${_env})
  if(arg_PROPERTIES)
    set_tests_properties("${arg_NAME}" PROPERTIES ${arg_PROPERTIES})
  endif()
endfunction()
