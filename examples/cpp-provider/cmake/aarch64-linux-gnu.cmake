# 64-bit Arm Linux; the tests run under qemu-user.
#
# Debian's cross g++ (g++-aarch64-linux-gnu) when installed. It conflicts with gcc-multilib (which
# the i686 builds need), so where it is absent Clang cross-compiles instead, with Debian's arm64
# cross libraries (libstdc++-12-dev-arm64-cross, libc6-dev-arm64-cross) and linker
# (binutils-aarch64-linux-gnu).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(SAMPLE_AARCH64_SYSROOT /usr/aarch64-linux-gnu)
if(NOT CMAKE_CXX_COMPILER)
  find_program(SAMPLE_AARCH64_GXX aarch64-linux-gnu-g++)
  if(SAMPLE_AARCH64_GXX)
    set(CMAKE_CXX_COMPILER ${SAMPLE_AARCH64_GXX})
    set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
  else()
    find_program(SAMPLE_CLANGXX NAMES clang++ clang++-19 clang++-16 clang++-15 clang++-14 REQUIRED)
    string(REGEX REPLACE "\\+\\+" "" SAMPLE_CLANG "${SAMPLE_CLANGXX}")
    set(CMAKE_CXX_COMPILER ${SAMPLE_CLANGXX})
    set(CMAKE_C_COMPILER ${SAMPLE_CLANG})
  endif()
endif()
if(CMAKE_CXX_COMPILER MATCHES "clang")
  set(CMAKE_CXX_COMPILER_TARGET aarch64-linux-gnu)
  set(CMAKE_C_COMPILER_TARGET aarch64-linux-gnu)
endif()
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L ${SAMPLE_AARCH64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH ${SAMPLE_AARCH64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
