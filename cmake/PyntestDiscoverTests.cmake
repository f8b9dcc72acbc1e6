# SPDX-License-Identifier: MIT
# PyntestDiscoverTests.cmake - the test-time half of pyntest_discover_tests().
#
# ctest reads the include file that pyntest_discover_tests() generated; it
# calls pyntest_discover_tests_impl(), which (re)writes CTEST_FILE from
# `pyntest --list MANIFEST` when needed; the include file then includes it.

# `--color never` keeps the summary line plain even under FORCE_COLOR, so
# SKIP_REGULAR_EXPRESSION always sees it.
#
# pyntest's -k takes fnmatch(3) globs and `!` for exclusion: make an id
# match only itself.
function(_pyntest_glob_escape out id)
  string(REPLACE "\\" "\\\\" id "${id}")
  foreach(_c "*" "?" "[" "]")
    string(REPLACE "${_c}" "\\${_c}" id "${id}")
  endforeach()
  # A pattern with a `\` is a glob matched on the whole id (a plain one
  # is a substring): escaping the first character selects exactly this id.
  if(NOT id MATCHES "^\\\\")
    set(id "\\${id}")
  endif()
  set(${out} "${id}" PARENT_SCOPE)
endfunction()

function(_pyntest_bracket out value)
  set(${out} "[==[${value}]==]" PARENT_SCOPE)
endfunction()

function(pyntest_discover_tests_impl)
  cmake_parse_arguments(PARSE_ARGV 0 arg ""
    "PYNTEST;MANIFEST;LIBRARY_PATH;TEST_PREFIX;TEST_SUFFIX;WORKING_DIRECTORY;TIMEOUT;DISCOVERY_TIMEOUT;TEST_LIST;CTEST_FILE"
    "DEPENDS;EXTRA_ARGS;PROPERTIES")

  # Re-list only when something the list depends on changed.
  set(_stale FALSE)
  if(NOT EXISTS "${arg_CTEST_FILE}" OR EXISTS "${arg_CTEST_FILE}.retry")
    set(_stale TRUE)
  else()
    foreach(_f IN LISTS arg_PYNTEST arg_MANIFEST arg_DEPENDS)
      if("${_f}" IS_NEWER_THAN "${arg_CTEST_FILE}")
        set(_stale TRUE)
      endif()
    endforeach()
  endif()
  if(NOT _stale)
    return()
  endif()

  get_filename_component(_base "${arg_MANIFEST}" NAME_WE)
  _pyntest_bracket(_exe "${arg_PYNTEST}")
  _pyntest_bracket(_man "${arg_MANIFEST}")
  _pyntest_bracket(_wd "${arg_WORKING_DIRECTORY}")
  set(_env "")
  if(arg_LIBRARY_PATH)
    set(_env "ENVIRONMENT_MODIFICATION [==[PYNTEST_LIBRARY_PATH=path_list_prepend:${arg_LIBRARY_PATH}]==]")
    if(DEFINED ENV{PYNTEST_LIBRARY_PATH} AND NOT "$ENV{PYNTEST_LIBRARY_PATH}" STREQUAL "")
      set(ENV{PYNTEST_LIBRARY_PATH} "${arg_LIBRARY_PATH}:$ENV{PYNTEST_LIBRARY_PATH}")
    else()
      set(ENV{PYNTEST_LIBRARY_PATH} "${arg_LIBRARY_PATH}")
    endif()
  endif()
  set(_extra "")
  foreach(_a IN LISTS arg_EXTRA_ARGS)
    _pyntest_bracket(_b "${_a}")
    string(APPEND _extra " ${_b}")
  endforeach()
  set(_props "")
  foreach(_a IN LISTS arg_PROPERTIES)
    _pyntest_bracket(_b "${_a}")
    string(APPEND _props " ${_b}")
  endforeach()

  set(_content "# Generated from ${arg_MANIFEST} by pyntest_discover_tests().\n")
  set(_names "")

  if(NOT EXISTS "${arg_PYNTEST}")
    set(_name "${arg_TEST_PREFIX}${_base}_NOT_BUILT${arg_TEST_SUFFIX}")
    _pyntest_bracket(_n "${_name}")
    string(APPEND _content "add_test(${_n} ${_exe})\n")
    list(APPEND _names "${_name}")
  else()
    # --shard 1/1: every test, whatever CI fan-out variables (GitLab's
    # CI_NODE_*, ...) the build runs under; ctest is what is sharded.
    execute_process(COMMAND "${arg_PYNTEST}" --list -v --shard 1/1 "${arg_MANIFEST}"
      WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}"
      TIMEOUT ${arg_DISCOVERY_TIMEOUT}
      RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0)
      # Keep ctest going; the failing test shows pyntest's own message.
      message(WARNING "pyntest --list ${arg_MANIFEST} failed (${_rc}):\n${_err}")
      set(_name "${arg_TEST_PREFIX}${_base}_DISCOVERY_FAILED${arg_TEST_SUFFIX}")
      _pyntest_bracket(_n "${_name}")
      string(APPEND _content
        "add_test(${_n} ${_exe} --check ${_man})\n"
        "set_tests_properties(${_n} PROPERTIES WORKING_DIRECTORY ${_wd} LABELS pyntest ${_env})\n")
      list(APPEND _names "${_name}")
      # Try again next time even if nothing changed: the failure may
      # have been the environment's.
      set(_retry TRUE)
    else()
      string(REPLACE ";" "\\;" _out "${_out}")
      string(REGEX MATCHALL "[^\n]+" _ids "${_out}")
      foreach(_id IN LISTS _ids)
        # `--list -v`: ID, wall s, CPU s, memory bytes, tab-separated.
        # CTest's TIMEOUT is a backstop: keep it 30 s above the test's
        # own wall limit (and twice its CPU limit), never below TIMEOUT.
        set(_timeout ${arg_TIMEOUT})
        if(_id MATCHES "^([^\t]+)\t([0-9]+)[.0-9]*\t([0-9]+)[.0-9]*\t")
          set(_id "${CMAKE_MATCH_1}")
          math(EXPR _need "${CMAKE_MATCH_2} + 31")
          math(EXPR _need_cpu "2 * ${CMAKE_MATCH_3} + 31")
          if(_need_cpu GREATER _need)
            set(_need ${_need_cpu})
          endif()
          if(_need GREATER _timeout)
            set(_timeout ${_need})
          endif()
        endif()
        string(STRIP "${_id}" _id)
        if(_id STREQUAL "")
          continue()
        endif()
        string(FIND "${_id}" "." _dot)
        if(_dot GREATER 0)
          string(SUBSTRING "${_id}" 0 ${_dot} _suite)
        else()
          set(_suite "${_id}")
        endif()
        _pyntest_glob_escape(_glob "${_id}")
        set(_name "${arg_TEST_PREFIX}${_id}${arg_TEST_SUFFIX}")
        _pyntest_bracket(_n "${_name}")
        _pyntest_bracket(_k "${_glob}")
        _pyntest_bracket(_l "pyntest;${_suite}")
        string(APPEND _content
          "add_test(${_n} ${_exe} --color never --concise --shard 1/1 -k ${_k}${_extra} ${_man})\n"
          "set_tests_properties(${_n} PROPERTIES WORKING_DIRECTORY ${_wd}"
          " LABELS ${_l} TIMEOUT ${_timeout}"
          " SKIP_RETURN_CODE 5"
          " SKIP_REGULAR_EXPRESSION [==[(^|[^0-9])0 passed, 0 failed, 1 skipped]==]"
          " ${_env}${_props})\n")
        list(APPEND _names "${_name}")
      endforeach()
    endif()
  endif()

  if(arg_TEST_LIST)
    set(_list "")
    foreach(_name IN LISTS _names)
      _pyntest_bracket(_n "${_name}")
      string(APPEND _list " ${_n}")
    endforeach()
    string(APPEND _content "set(${arg_TEST_LIST}${_list})\n")
  endif()
  file(WRITE "${arg_CTEST_FILE}" "${_content}")
  if(_retry)
    file(WRITE "${arg_CTEST_FILE}.retry" "")
  else()
    file(REMOVE "${arg_CTEST_FILE}.retry")
  endif()
endfunction()
