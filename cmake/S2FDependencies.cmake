# Finds every third-party package from Debian 12's -dev packages. When one is
# missing, configuration stops with the Debian package that provides it, so the
# fix is one apt-get away.
include(FindPackageHandleStandardArgs)
find_package(PkgConfig QUIET)

function(s2f_require found what debian_pkg)
  if(NOT ${found})
    message(FATAL_ERROR
      "s2f: ${what} not found. Install it with:\n"
      "    apt-get install ${debian_pkg}\n"
      "(or run ./dev.sh deps, which installs everything s2f needs)")
  endif()
endfunction()

find_package(Threads)
s2f_require(Threads_FOUND "POSIX threads" "libc6-dev")

find_package(zstd CONFIG QUIET)
if(NOT TARGET zstd::libzstd_shared)
  find_path(ZSTD_INCLUDE_DIR zstd.h)
  find_library(ZSTD_LIBRARY zstd)
  if(ZSTD_INCLUDE_DIR AND ZSTD_LIBRARY)
    add_library(zstd::libzstd_shared UNKNOWN IMPORTED)
    set_target_properties(zstd::libzstd_shared PROPERTIES
      IMPORTED_LOCATION ${ZSTD_LIBRARY} INTERFACE_INCLUDE_DIRECTORIES ${ZSTD_INCLUDE_DIR})
  endif()
endif()
if(TARGET zstd::libzstd_shared)
  set(S2F_ZSTD_FOUND TRUE)
endif()
s2f_require(S2F_ZSTD_FOUND "zstd" "libzstd-dev")

find_path(HTSLIB_INCLUDE_DIR htslib/hts.h)
find_library(HTSLIB_LIBRARY hts)
if(HTSLIB_INCLUDE_DIR AND HTSLIB_LIBRARY)
  add_library(s2f::htslib UNKNOWN IMPORTED)
  set_target_properties(s2f::htslib PROPERTIES
    IMPORTED_LOCATION ${HTSLIB_LIBRARY} INTERFACE_INCLUDE_DIRECTORIES ${HTSLIB_INCLUDE_DIR})
  set(S2F_HTSLIB_FOUND TRUE)
endif()
s2f_require(S2F_HTSLIB_FOUND "htslib" "libhts-dev")

# libBigWig (track files): Debian ships a header and a library, no
# pkg-config file. Built with libcurl, whose header it includes unless NOCURL
# is defined; s2f opens local files only, so it compiles with NOCURL (the
# structs are the same: the curl handle shares a union with the FILE *).
find_path(BIGWIG_INCLUDE_DIR bigWig.h)
find_library(BIGWIG_LIBRARY BigWig)
if(BIGWIG_INCLUDE_DIR AND BIGWIG_LIBRARY)
  add_library(s2f::bigwig UNKNOWN IMPORTED)
  set_target_properties(s2f::bigwig PROPERTIES
    IMPORTED_LOCATION ${BIGWIG_LIBRARY} INTERFACE_INCLUDE_DIRECTORIES ${BIGWIG_INCLUDE_DIR}
    INTERFACE_COMPILE_DEFINITIONS NOCURL)
  set(S2F_BIGWIG_FOUND TRUE)
endif()
s2f_require(S2F_BIGWIG_FOUND "libBigWig" "libbigwig-dev")

find_package(HDF5 QUIET COMPONENTS C)
s2f_require(HDF5_FOUND "HDF5 (C library)" "libhdf5-dev")
add_library(s2f::hdf5 INTERFACE IMPORTED)
target_include_directories(s2f::hdf5 INTERFACE ${HDF5_INCLUDE_DIRS})
target_link_libraries(s2f::hdf5 INTERFACE ${HDF5_LIBRARIES})
target_compile_definitions(s2f::hdf5 INTERFACE ${HDF5_DEFINITIONS})

find_package(Eigen3 3.3 CONFIG QUIET)
s2f_require(Eigen3_FOUND "Eigen3" "libeigen3-dev")

find_package(CLI11 CONFIG QUIET)
s2f_require(CLI11_FOUND "CLI11" "libcli11-dev")

find_package(TBB CONFIG QUIET)
s2f_require(TBB_FOUND "oneTBB" "libtbb-dev")

find_package(nlohmann_json 3 CONFIG QUIET)
s2f_require(nlohmann_json_FOUND "nlohmann-json" "nlohmann-json3-dev")

find_package(ZLIB QUIET)
s2f_require(ZLIB_FOUND "zlib" "zlib1g-dev")

if(S2F_BUILD_TESTS)
  find_package(GTest CONFIG QUIET)
  if(NOT GTest_FOUND)
    find_package(GTest QUIET)
  endif()
  s2f_require(GTest_FOUND "GoogleTest" "libgtest-dev")
endif()
if(S2F_BUILD_BENCH)
  find_package(benchmark CONFIG QUIET)
  s2f_require(benchmark_FOUND "Google Benchmark" "libbenchmark-dev")
endif()
