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

pyn_add_unit_test(test-api
  SOURCES unit/test-api.c
  LIBS libpyntest
  LABELS api
  TIMEOUT 90)
target_compile_definitions(test-api PRIVATE
  API_FIXTURE="$<TARGET_FILE:pyn_api_fixture>"
  PROBE_A="$<TARGET_FILE:probe_a>"
  PROBE_B="$<TARGET_FILE:probe_b>"
  MAX_FILES="$<TARGET_FILE:max_files>"
  NO_NETWORK="$<TARGET_FILE:no_network>")
add_dependencies(test-api pyntest-worker pyn_api_fixture probe_a probe_b
  max_files no_network)

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
