# SPDX-License-Identifier: MIT
# The public C API (pynisher for C), driven directly: tests/unit/test-api*.c
# and their fixtures in tests/api/.

add_library(pyn_api_fixture SHARED api/fixture.c)
target_link_libraries(pyn_api_fixture PRIVATE pyntest_runtime)
set_target_properties(pyn_api_fixture PROPERTIES
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/api)

# The probe limiter, twice: two limiters of one call to compare.
foreach(p probe_a probe_b)
  add_library(${p} MODULE api/probe_limiter.c)
  target_include_directories(${p} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  target_compile_definitions(${p} PRIVATE PROBE_NAME="${p}")
  set_target_properties(${p} PROPERTIES PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/api)
endforeach()

# The API driven directly, by concern (tests/unit/api_test.h): what it
# accepts, functions limited, limiter options and the token.
pyn_add_unit_test(test-api-check
  SOURCES unit/test-api-check.c
  LIBS libpyntest
  LABELS api)
target_compile_definitions(test-api-check PRIVATE
  MAX_FILES="$<TARGET_FILE:max_files>")
add_dependencies(test-api-check pyntest-worker max_files)
pyn_add_unit_test(test-api-limited
  SOURCES unit/test-api-limited.c
  LIBS libpyntest
  LABELS api
  TIMEOUT 90)
target_compile_definitions(test-api-limited PRIVATE
  API_FIXTURE="$<TARGET_FILE:pyn_api_fixture>")
add_dependencies(test-api-limited pyntest-worker pyn_api_fixture)
pyn_add_unit_test(test-api-options
  SOURCES unit/test-api-options.c
  LIBS libpyntest
  LABELS api
  TIMEOUT 90
  PARTS no_network)
target_compile_definitions(test-api-options PRIVATE
  PROBE_A="$<TARGET_FILE:probe_a>"
  PROBE_B="$<TARGET_FILE:probe_b>"
  NO_NETWORK="$<TARGET_FILE:no_network>")
add_dependencies(test-api-options pyntest-worker probe_a probe_b no_network)

# The ABI: exports, struct sizes (older and newer callers), INIT macros.
pyn_add_unit_test(test-abi
  SOURCES unit/test-abi.c
  LIBS pyntest_config libpyntest ${CMAKE_DL_LIBS}
  LABELS api)
target_compile_definitions(test-abi PRIVATE
  PYN_LIBPYNTEST="$<TARGET_FILE:libpyntest>")
add_dependencies(test-abi pyntest-worker)

# memory_limit under RLIMIT_AS without an allocator hook (77: no rlimit).
pyn_add_unit_test(test-api-alloc
  SOURCES unit/test-api-alloc.c
  LIBS libpyntest ${CMAKE_DL_LIBS}
  LABELS api
  TIMEOUT 90)
set_tests_properties(test-api-alloc PROPERTIES SKIP_RETURN_CODE 77)
target_compile_definitions(test-api-alloc PRIVATE
  API_FIXTURE="$<TARGET_FILE:pyn_api_fixture>")
add_dependencies(test-api-alloc pyntest-worker pyn_api_fixture)

pyn_add_unit_test(test-api-stress
  SOURCES unit/test-api-stress.c
  LIBS libpyntest Threads::Threads
  LABELS api
  TIMEOUT 120)
add_dependencies(test-api-stress pyntest-worker)

pyn_add_unit_test(test-api-results
  SOURCES unit/test-api-results.c
  LIBS libpyntest
  LABELS api
  TIMEOUT 120)

# examples/api: each program runs and prints the outcome of every case.
add_test(NAME api-example-parse COMMAND api_parse_untrusted)
set_tests_properties(api-example-parse PROPERTIES LABELS "api;example"
  TIMEOUT 30 PASS_REGULAR_EXPRESSION
  "input 1 [^\n]*: pass, 4 numbers\ninput 2 [^\n]*: wall_timeout [^\n]*\ninput 3 [^\n]*: error \\(killed by signal SIGSEGV")
add_test(NAME api-example-memory COMMAND api_memory_heavy)
set_tests_properties(api-example-memory PROPERTIES LABELS "api;example"
  TIMEOUT 60 PASS_REGULAR_EXPRESSION
  "1000 nodes: pass [^\n]*\n100000 nodes: pass [^\n]*\n10000000 nodes: memory_limit ")
add_test(NAME api-example-result COMMAND api_big_result 256MB)
set_tests_properties(api-example-result PROPERTIES LABELS "api;example"
  TIMEOUT 60 PASS_REGULAR_EXPRESSION
  "got 268435456 bytes back: pass, content checked\ncall [0-9.]+ s")

pyn_add_unit_test(test-api-plan
  SOURCES unit/test-api-plan.c
  LIBS pyntest_config libpyntest
  LABELS api)
target_compile_definitions(test-api-plan PRIVATE
  API_FIXTURE="$<TARGET_FILE:pyn_api_fixture>"
  PROBE_A="$<TARGET_FILE:probe_a>")
add_dependencies(test-api-plan pyntest-worker pyn_api_fixture probe_a)
