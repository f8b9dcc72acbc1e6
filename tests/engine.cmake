# SPDX-License-Identifier: MIT
# The engine's tests: classify() on hand-built evidence, and the engine
# driven through pyn_call / pyn_run / pyn_engine on in-process functions
# and on the fixture libraries in tests/engine/.

pyn_add_unit_test(test-classify
  SOURCES unit/test-classify.c ${PROJECT_SOURCE_DIR}/engine/classify.c
  LIBS pyntest_base libpyntest)

# Fixture libraries, named by behaviour.
add_library(pyn_engine_fixture SHARED engine/fixture.c)
target_link_libraries(pyn_engine_fixture PRIVATE PkgConfig::CUNIT pyntest_runtime)
add_library(pyn_engine_ctor_crash SHARED engine/ctor_crash.c)
add_library(pyn_engine_ctor_hang SHARED engine/ctor_hang.c)
add_library(pyn_engine_ctor_eat SHARED engine/ctor_eat.c)
add_library(pyn_engine_ctor_spin SHARED engine/ctor_spin.c)
foreach(t pyn_engine_fixture pyn_engine_ctor_crash pyn_engine_ctor_hang
    pyn_engine_ctor_eat pyn_engine_ctor_spin)
  set_target_properties(${t} PROPERTIES
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/engine)
endforeach()

# A plug-in limiter that fails in setup, apply or classify on request.
add_library(fx_limiter MODULE engine/fx_limiter.c)
target_include_directories(fx_limiter PRIVATE ${PROJECT_SOURCE_DIR}/include)
set_target_properties(fx_limiter PROPERTIES PREFIX ""
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/engine)

# The engine end to end, one program per concern (tests/unit/
# test-engine-*.c, sharing engine_test.h).
pyn_add_unit_test(test-engine-call
  SOURCES unit/test-engine-call.c $<TARGET_OBJECTS:pyntest_cunit_hook>
  LIBS libpyntest TIMEOUT 90
  PARTS cpu_time memory return_1g)
pyn_add_unit_test(test-engine-library
  SOURCES unit/test-engine-library.c $<TARGET_OBJECTS:pyntest_cunit_hook>
  LIBS libpyntest TIMEOUT 90
  PARTS library_memory library_cpu_time)
pyn_add_unit_test(test-engine-async
  SOURCES unit/test-engine-async.c $<TARGET_OBJECTS:pyntest_cunit_hook>
  LIBS libpyntest TIMEOUT 90)
pyn_add_unit_test(test-engine-no-pidfd
  SOURCES unit/test-engine-no-pidfd.c $<TARGET_OBJECTS:pyntest_cunit_hook>
  LIBS libpyntest TIMEOUT 90)
foreach(_t test-engine-call test-engine-library test-engine-async
    test-engine-no-pidfd)
  # The hook must be what dlopened fixtures bind CU_ASSERT to.
  set_target_properties(${_t} PROPERTIES ENABLE_EXPORTS ON)
  target_compile_definitions(${_t} PRIVATE
    FIXTURE_LIB="$<TARGET_FILE:pyn_engine_fixture>"
    CTOR_CRASH_LIB="$<TARGET_FILE:pyn_engine_ctor_crash>"
    CTOR_HANG_LIB="$<TARGET_FILE:pyn_engine_ctor_hang>"
    CTOR_EAT_LIB="$<TARGET_FILE:pyn_engine_ctor_eat>"
    CTOR_SPIN_LIB="$<TARGET_FILE:pyn_engine_ctor_spin>"
    FX_LIMITER="$<TARGET_FILE:fx_limiter>")
  add_dependencies(${_t} pyntest-worker pyn_engine_fixture
    pyn_engine_ctor_crash pyn_engine_ctor_hang pyn_engine_ctor_eat
    pyn_engine_ctor_spin fx_limiter)
endforeach()
