# 32-bit x86 Linux on an x86_64 host (Debian: g++-12-multilib); the tests run natively.
# The compiler is GCC unless CMAKE_CXX_COMPILER says otherwise (clang++ also takes -m32).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR i686)
if(NOT CMAKE_CXX_COMPILER)
  set(CMAKE_CXX_COMPILER g++)
endif()
if(NOT CMAKE_C_COMPILER)
  set(CMAKE_C_COMPILER gcc)
endif()
set(CMAKE_C_FLAGS_INIT "-m32")
set(CMAKE_CXX_FLAGS_INIT "-m32")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-m32")
# gcc-multilib makes /usr/include/asm point at the x86 kernel headers, for -m32; Debian cannot
# install it next to its aarch64 cross gcc. Without it, the build points at them itself.
if(NOT EXISTS /usr/include/asm AND EXISTS /usr/include/x86_64-linux-gnu/asm)
  set(SAMPLE_I686_KERNEL_HEADERS ${CMAKE_BINARY_DIR}/i686-kernel-headers)
  file(MAKE_DIRECTORY ${SAMPLE_I686_KERNEL_HEADERS})
  file(CREATE_LINK /usr/include/x86_64-linux-gnu/asm ${SAMPLE_I686_KERNEL_HEADERS}/asm SYMBOLIC)
  string(APPEND CMAKE_C_FLAGS_INIT " -isystem ${SAMPLE_I686_KERNEL_HEADERS}")
  string(APPEND CMAKE_CXX_FLAGS_INIT " -isystem ${SAMPLE_I686_KERNEL_HEADERS}")
endif()
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-m32")
