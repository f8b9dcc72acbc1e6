# SPDX-License-Identifier: MIT
# Installation, the CMake package (find_package(pyntest)), pkg-config and
# the build-tree aliases for add_subdirectory() users.  Included at the end
# of the root CMakeLists.txt, so every target exists by now: a target or a
# file renamed without this file is a configure error, never a silently
# smaller install.
#
# Installed layout (GNUInstallDirs; the build tree uses the same one):
#   bin/pyntest                         the runner            pyntest::pyntest
#   lib/libpyntest.so*, libpyntest.a    the C API             pyntest::libpyntest
#   include/pyntest/*.h                 headers               pyntest::runtime
#   libexec/pyntest/pyntest-worker      spawn/forkserver worker
#   lib/pyntest/limiters/*.so           limiter modules
#   lib/cmake/pyntest/                  pyntestConfig.cmake & co
#   lib/pkgconfig/pyntest.pc
#   share/pyntest/pyntest-manifest.schema.json
#   share/man/man1/pyntest.1, share/doc/pyntest/

include(CMakePackageConfigHelpers)

set(PYN_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")
set(PYN_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/pyntest")
set(PYN_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/pyntest")
set(PYN_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig")

option(PYN_INSTALL "Generate pyntest's install rules" ${PROJECT_IS_TOP_LEVEL})

# --- Build-tree names, the same as the installed package's --------------

add_executable(pyntest::pyntest ALIAS pyntest_cli)
add_library(pyntest::libpyntest ALIAS libpyntest)
add_library(pyntest::runtime ALIAS pyntest_runtime)

# pyntest_discover_tests() and pyntest_add_manifest() for add_subdirectory()
# users (CMake functions are global once defined).
include("${PYN_CMAKE_DIR}/PyntestAddTests.cmake")

# --- RPATH: a relocated install still finds libpyntest --------------------

# $ORIGIN-relative, computed from the real install dirs so that a multiarch
# libdir (lib/x86_64-linux-gnu) works too.
function(pyn_origin_rpath target from_dir)
  file(RELATIVE_PATH _rel "/p/${from_dir}" "/p/${CMAKE_INSTALL_LIBDIR}")
  if(_rel STREQUAL "")
    set(_rel ".")
  endif()
  string(REGEX REPLACE "/$" "" _rel "${_rel}")
  set_property(TARGET ${target} APPEND PROPERTY INSTALL_RPATH "$ORIGIN/${_rel}")
  # The build tree has the install's layout, so the same $ORIGIN path works
  # there.  Without this CMake pads the build RUNPATH with ':' for the
  # install-time rewrite, and the loader reads each empty entry as the
  # current directory: a libc.so.6 planted there would be loaded.
  set_property(TARGET ${target} PROPERTY BUILD_WITH_INSTALL_RPATH TRUE)
endfunction()

# Every MODULE whose output lands in the limiter directory is an installed
# limiter module; fixture plug-ins built elsewhere (tests/) are not.
function(pyn_collect_modules dir out)
  set(_found "")
  get_property(_targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  foreach(_t IN LISTS _targets)
    get_target_property(_type ${_t} TYPE)
    if(_type STREQUAL "MODULE_LIBRARY")
      get_target_property(_out ${_t} LIBRARY_OUTPUT_DIRECTORY)
      if(_out AND _out STREQUAL PYN_BUILD_MODULE_DIR)
        list(APPEND _found ${_t})
      endif()
    endif()
  endforeach()
  get_property(_subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(_d IN LISTS _subdirs)
    pyn_collect_modules("${_d}" _sub)
    list(APPEND _found ${_sub})
  endforeach()
  set(${out} ${_found} PARENT_SCOPE)
endfunction()
pyn_collect_modules("${PROJECT_SOURCE_DIR}" PYN_LIMITER_MODULES)

pyn_origin_rpath(pyntest_cli "${CMAKE_INSTALL_BINDIR}")
set_target_properties(pyntest_cli PROPERTIES EXPORT_NAME pyntest)
# The worker links the engine and libltdl in and needs nothing of lib/:
# no RUNPATH, so the loader of every spawned test goes straight to the
# system's libc instead of failing in lib/ first.
set_target_properties(pyntest-worker PROPERTIES
  INSTALL_RPATH "" BUILD_WITH_INSTALL_RPATH TRUE)
foreach(_m IN LISTS PYN_LIMITER_MODULES)
  pyn_origin_rpath(${_m} "${PYN_MODULE_SUBDIR}")
endforeach()
set_target_properties(libpyntest PROPERTIES EXPORT_NAME libpyntest)
set_target_properties(pyntest_runtime PROPERTIES EXPORT_NAME runtime)

# --- pkg-config -----------------------------------------------------------

# prefix is found from the .pc file's own location, so a moved prefix works.
file(RELATIVE_PATH PYN_PC_PREFIX_REL "/p/${PYN_INSTALL_PKGCONFIGDIR}" "/p")
string(REGEX REPLACE "/$" "" PYN_PC_PREFIX_REL "${PYN_PC_PREFIX_REL}")
configure_file("${PYN_CMAKE_DIR}/pyntest.pc.in"
  "${PROJECT_BINARY_DIR}/${PYN_INSTALL_PKGCONFIGDIR}/pyntest.pc" @ONLY)

# --- package config -------------------------------------------------------

configure_package_config_file("${PYN_CMAKE_DIR}/pyntestConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/${PYN_INSTALL_CMAKEDIR}/pyntestConfig.cmake"
  INSTALL_DESTINATION "${PYN_INSTALL_CMAKEDIR}"
  PATH_VARS PYN_INSTALL_DATADIR)
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/${PYN_INSTALL_CMAKEDIR}/pyntestConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)

# --- install rules --------------------------------------------------------

if(PYN_INSTALL)
  install(TARGETS pyntest_cli libpyntest pyntest_runtime EXPORT pyntestTargets
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
      NAMELINK_COMPONENT Development
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
  install(EXPORT pyntestTargets NAMESPACE pyntest::
    DESTINATION "${PYN_INSTALL_CMAKEDIR}")
  # The static library is installed for pkg-config --static users but not
  # exported: its link interface (ltdl, threads) would pull the project's
  # internal helper targets into the package.
  install(TARGETS libpyntest_static ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
  install(TARGETS pyntest-worker RUNTIME DESTINATION "${PYN_LIBEXEC_SUBDIR}")
  if(PYN_LIMITER_MODULES)
    install(TARGETS ${PYN_LIMITER_MODULES} LIBRARY DESTINATION "${PYN_MODULE_SUBDIR}")
  endif()

  install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/pyntest"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" FILES_MATCHING PATTERN "*.h")

  install(FILES
    "${PROJECT_BINARY_DIR}/${PYN_INSTALL_CMAKEDIR}/pyntestConfig.cmake"
    "${PROJECT_BINARY_DIR}/${PYN_INSTALL_CMAKEDIR}/pyntestConfigVersion.cmake"
    "${PYN_CMAKE_DIR}/PyntestAddTests.cmake"
    "${PYN_CMAKE_DIR}/PyntestDiscoverTests.cmake"
    DESTINATION "${PYN_INSTALL_CMAKEDIR}")
  install(FILES "${PROJECT_BINARY_DIR}/${PYN_INSTALL_PKGCONFIGDIR}/pyntest.pc"
    DESTINATION "${PYN_INSTALL_PKGCONFIGDIR}")

  install(FILES "${PROJECT_SOURCE_DIR}/config/schema/pyntest-manifest.schema.json"
    DESTINATION "${PYN_INSTALL_DATADIR}")
  # The Bazel rule, as a local repository (docs/sharding.md).
  install(FILES "${PYN_CMAKE_DIR}/bazel/WORKSPACE"
    "${PYN_CMAKE_DIR}/bazel/BUILD.bazel" "${PYN_CMAKE_DIR}/bazel/pyntest.bzl"
    DESTINATION "${PYN_INSTALL_DATADIR}/bazel")
  install(FILES "${PROJECT_SOURCE_DIR}/docs/pyntest.1"
    DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
  install(FILES "${PROJECT_SOURCE_DIR}/README.md"
    DESTINATION "${CMAKE_INSTALL_DOCDIR}")
  # Docs are picked up when configured; re-run cmake after adding one.
  file(GLOB _pyn_docs "${PROJECT_SOURCE_DIR}/docs/*.md")
  if(_pyn_docs)
    install(FILES ${_pyn_docs} DESTINATION "${CMAKE_INSTALL_DOCDIR}")
  endif()
endif()

# --- tests of all the above ------------------------------------------------

# Not under add_subdirectory(): they install pyntest, which a parent
# project has switched off.  They use what tests/CMakeLists.txt defines.
if(BUILD_TESTING AND PYN_BUILD_TESTS AND PYN_INSTALL)
  include("${PROJECT_SOURCE_DIR}/tests/install.cmake")
endif()
