# SPDX-License-Identifier: MIT
# tests/html.cmake - the HTML report (runner/report/html.c): a unit test
# of the writer and its escaping, and an end-to-end test that runs the
# real pyntest --html on tests/html/html.yaml and reads the page back in
# headless Chromium (DOM after the scripts ran, a filtered view, a
# screenshot).  Chromium is Debian's `chromium` package (.ci/deps);
# without it the e2e test fails.

pyn_add_unit_test(test-html SOURCES html/test-html.c LIBS pyntest_report
  LABELS runner html)
target_compile_definitions(test-html PRIVATE
  PYN_SYSTEM_PYTHON="${PYN_SYSTEM_PYTHON}")

# Fixture tests whose output and messages try to become markup.  Test
# code is the user's: built without the sanitizers, like tests/objects.
add_library(pyn_html_inject SHARED html/inject.c)
target_link_libraries(pyn_html_inject PRIVATE pyntest_runtime
  PkgConfig::CUNIT)
get_target_property(_pyn_html_opts pyn_html_inject COMPILE_OPTIONS)
if(_pyn_html_opts)
  list(FILTER _pyn_html_opts EXCLUDE REGEX "sanitize")
  set_target_properties(pyn_html_inject PROPERTIES
    COMPILE_OPTIONS "${_pyn_html_opts}")
endif()
get_target_property(_pyn_html_lopts pyn_html_inject LINK_OPTIONS)
if(_pyn_html_lopts)
  list(FILTER _pyn_html_lopts EXCLUDE REGEX "sanitize")
  set_target_properties(pyn_html_inject PROPERTIES
    LINK_OPTIONS "${_pyn_html_lopts}")
endif()
set_target_properties(pyn_html_inject PROPERTIES
  OUTPUT_NAME pyn_html_inject
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/html
  C_VISIBILITY_PRESET default)

add_test(NAME e2e.html
  COMMAND ${PYN_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/html/check_html.py
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/html)
set_tests_properties(e2e.html PROPERTIES
  ENVIRONMENT "PYNTEST=$<TARGET_FILE:pyntest_cli>;PYNTEST_LIBRARY_PATH=${PYN_FIXTURE_DIR}:$<TARGET_FILE_DIR:pyn_html_inject>;PYN_HTML_OUT=${CMAKE_CURRENT_BINARY_DIR}/html;PYTHONDONTWRITEBYTECODE=1"
  TIMEOUT 120
  RUN_SERIAL TRUE
  LABELS "e2e;html")
