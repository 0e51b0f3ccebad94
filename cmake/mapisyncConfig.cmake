# find_package(mapisync CONFIG REQUIRED) after `cargo cinstall --release --prefix PREFIX`, which
# installs this file as PREFIX/share/mapisync/cmake/mapisyncConfig.cmake (point CMAKE_PREFIX_PATH
# or mapisync_DIR there). Gives the imported target mapisync::mapisync: the headers (mapisync.h,
# mapisync_win32.h, mapisync.hpp), the library, Threads, and uuid on Windows.
#
#   MAPISYNC_STATIC   ON: link libmapisync.a (with the system libraries a Rust static library
#                     needs); OFF (default): the shared library (on Windows mapisync.dll through
#                     its import library; MAPISYNC_DLL names the DLL to put beside a program).
include(CMakeFindDependencyMacro)
find_dependency(Threads)

get_filename_component(_mapisync_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
option(MAPISYNC_STATIC "Link mapisync statically" OFF)

find_path(MAPISYNC_INCLUDE_DIR mapisync.h
  HINTS "${_mapisync_prefix}/include" NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
set(_mapisync_libdirs "${_mapisync_prefix}/lib" "${_mapisync_prefix}/lib64")
file(GLOB _mapisync_multiarch LIST_DIRECTORIES true "${_mapisync_prefix}/lib/*-*")
list(APPEND _mapisync_libdirs ${_mapisync_multiarch})

if(MAPISYNC_STATIC)
  set(_mapisync_names libmapisync.a mapisync.lib)
elseif(WIN32)
  # The import library dlltool makes (libmapisync.dll.a) first: cargo-c's own (mapisync.dll.a)
  # crashes 32-bit programs at their first call (docs/c-and-cpp.md).
  set(_mapisync_names libmapisync.dll.a mapisync.dll.a mapisync.dll.lib)
else()
  set(_mapisync_names libmapisync.so libmapisync.dylib)
endif()
find_library(MAPISYNC_LIBRARY NAMES ${_mapisync_names}
  HINTS ${_mapisync_libdirs} NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)

if(NOT MAPISYNC_INCLUDE_DIR OR NOT MAPISYNC_LIBRARY)
  set(mapisync_FOUND FALSE)
  set(mapisync_NOT_FOUND_MESSAGE
    "mapisync.h or the library (${_mapisync_names}) is missing under ${_mapisync_prefix}")
  return()
endif()

if(NOT TARGET mapisync::mapisync)
  if(WIN32 AND NOT MAPISYNC_STATIC)
    find_file(MAPISYNC_DLL NAMES mapisync.dll
      HINTS "${_mapisync_prefix}/bin" ${_mapisync_libdirs} NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
    add_library(mapisync::mapisync SHARED IMPORTED)
    set_target_properties(mapisync::mapisync PROPERTIES
      IMPORTED_IMPLIB "${MAPISYNC_LIBRARY}"
      IMPORTED_LOCATION "${MAPISYNC_DLL}")
  else()
    add_library(mapisync::mapisync UNKNOWN IMPORTED)
    set_target_properties(mapisync::mapisync PROPERTIES IMPORTED_LOCATION "${MAPISYNC_LIBRARY}")
  endif()
  set(_mapisync_system Threads::Threads)
  if(WIN32)
    list(APPEND _mapisync_system uuid) # IID_IUnknown
    if(MAPISYNC_STATIC)
      list(APPEND _mapisync_system ws2_32 userenv bcrypt ntdll advapi32 kernel32)
    endif()
  elseif(MAPISYNC_STATIC)
    list(APPEND _mapisync_system ${CMAKE_DL_LIBS} m)
  endif()
  set_target_properties(mapisync::mapisync PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${MAPISYNC_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${_mapisync_system}")
endif()
set(mapisync_FOUND TRUE)
