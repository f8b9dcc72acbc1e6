# Tests of the install tree, the CMake package, pkg-config and the manifest
# schema.  Included from cmake/install.cmake inside if(BUILD_TESTING), in
# the root directory's scope.

find_program(PYN_INSTALL_TEST_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT PYN_INSTALL_TEST_PYTHON)
  find_program(PYN_INSTALL_TEST_PYTHON python3)
endif()
if(NOT DEFINED PYN_TEST_TIMEOUT_MULTIPLIER)
  set(PYN_TEST_TIMEOUT_MULTIPLIER 1)
endif()

# Every manifest in the repository validates against the shipped schema;
# the bad ones are rejected where they are wrong.  Skips (77) when
# python3-jsonschema / python3-yaml are not installed.
if(PYN_INSTALL_TEST_PYTHON)
  add_test(NAME install.schema
    COMMAND ${PYN_INSTALL_TEST_PYTHON} ${PROJECT_SOURCE_DIR}/tests/install/check_schema.py
      ${PROJECT_SOURCE_DIR})
  math(EXPR _pyn_t "60 * ${PYN_TEST_TIMEOUT_MULTIPLIER}")
  set_tests_properties(install.schema PROPERTIES TIMEOUT ${_pyn_t}
    SKIP_RETURN_CODE 77 LABELS "install;schema")
endif()

# Install into a temporary prefix, move the prefix (relocation), then build
# and run examples/consumer against it with find_package(pyntest) + ctest
# and with its Makefile through pkg-config.
if(TARGET pyntest_cli AND TARGET libpyntest)
  add_test(NAME install.consumer
    COMMAND bash ${PROJECT_SOURCE_DIR}/tests/install/consumer.sh
      ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR} ${CMAKE_COMMAND})
  math(EXPR _pyn_t "600 * ${PYN_TEST_TIMEOUT_MULTIPLIER}")
  set_tests_properties(install.consumer PROPERTIES TIMEOUT ${_pyn_t}
    RUN_SERIAL TRUE SKIP_RETURN_CODE 77 LABELS "install;consumer")
  # Its C API program links libpyntest: sanitized, the runtime comes too.
  if(PYN_SANITIZE)
    list(JOIN PYN_SANITIZE "," _pyn_capi_san)
    set_property(TEST install.consumer APPEND PROPERTY ENVIRONMENT
      "PYN_CAPI_CFLAGS=-fsanitize=${_pyn_capi_san}")
  endif()
endif()
