# SPDX-License-Identifier: MIT
# Tests of the install tree, the CMake package, pkg-config and the manifest
# schema.  Included from cmake/install.cmake when pyntest's own tests are
# built (after tests/CMakeLists.txt), in the root directory's scope.

# Every manifest in the repository validates against the shipped schema;
# the bad ones are rejected where they are wrong.
add_test(NAME install.schema
  COMMAND ${PYN_SYSTEM_PYTHON} ${PROJECT_SOURCE_DIR}/tests/install/check_schema.py
    ${PROJECT_SOURCE_DIR})
set_tests_properties(install.schema PROPERTIES TIMEOUT 60
  LABELS "install;schema")

# Install into a temporary prefix, move the prefix (relocation), then build
# and run examples/consumer against it with find_package(pyntest) + ctest
# and with its Makefile through pkg-config.
add_test(NAME install.consumer
  COMMAND bash ${PROJECT_SOURCE_DIR}/tests/install/consumer.sh
    ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR} ${CMAKE_COMMAND})
set_tests_properties(install.consumer PROPERTIES TIMEOUT 600
  RUN_SERIAL TRUE LABELS "install;consumer")
# Its C API program links libpyntest: sanitized, the runtime comes too.
if(PYN_SANITIZE)
  list(JOIN PYN_SANITIZE "," _pyn_capi_san)
  set_property(TEST install.consumer APPEND PROPERTY ENVIRONMENT
    "PYN_CAPI_CFLAGS=-fsanitize=${_pyn_capi_san}")
endif()

pyn_finish_tests()
