# CONVT_CUDA: AUTO (default) builds the CUDA parts when a CUDA compiler is
# found and quietly leaves them out otherwise; ON requires the toolkit; OFF
# never looks for it. The result is CONVT_HAVE_CUDA. Device code is real
# code for sm_80, sm_90 and sm_100 plus sm_100's PTX (later GPUs compile
# it at load time) unless CMAKE_CUDA_ARCHITECTURES says otherwise; every
# target uses the shared CUDA runtime (CUDA::cudart).
set(CONVT_CUDA AUTO CACHE STRING "Build the CUDA and cuDNN backends: AUTO, ON or OFF")
set_property(CACHE CONVT_CUDA PROPERTY STRINGS AUTO ON OFF)
string(TOUPPER "${CONVT_CUDA}" _convt_cuda)
if(NOT _convt_cuda MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "CONVT_CUDA must be AUTO, ON or OFF, not '${CONVT_CUDA}'")
endif()

set(CONVT_HAVE_CUDA OFF)
if(NOT _convt_cuda STREQUAL "OFF")
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 80-real 90-real 100)
    endif()
    set(CMAKE_CUDA_RUNTIME_LIBRARY Shared)
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    set(CONVT_HAVE_CUDA ON)
  elseif(_convt_cuda STREQUAL "ON")
    message(FATAL_ERROR "CONVT_CUDA=ON but no CUDA compiler was found (put nvcc on PATH or set CMAKE_CUDA_COMPILER)")
  endif()
endif()
message(STATUS "convt: CUDA backends ${CONVT_HAVE_CUDA} (CONVT_CUDA=${CONVT_CUDA})")

# cuDNN has no CMake package: look for cudnn.h and libcudnn first in
# CUDNN_PATH and next to the toolkit of the CUDA compiler (only there, so a
# copy elsewhere, such as one a Python package installed, is never picked),
# then in the default places. The result is CONVT_HAVE_CUDNN, with
# CONVT_CUDNN_INCLUDE_DIR and CONVT_CUDNN_LIBRARY.
set(CONVT_HAVE_CUDNN OFF)
if(CONVT_HAVE_CUDA)
  get_filename_component(_convt_cuda_root "${CMAKE_CUDA_COMPILER}" REALPATH)
  get_filename_component(_convt_cuda_root "${_convt_cuda_root}" DIRECTORY)
  get_filename_component(_convt_cuda_root "${_convt_cuda_root}" DIRECTORY)
  set(_convt_cudnn_hints ${CUDNN_PATH} $ENV{CUDNN_PATH} ${_convt_cuda_root})
  find_path(CONVT_CUDNN_INCLUDE_DIR cudnn.h HINTS ${_convt_cudnn_hints} PATH_SUFFIXES include NO_DEFAULT_PATH)
  find_path(CONVT_CUDNN_INCLUDE_DIR cudnn.h)
  find_library(CONVT_CUDNN_LIBRARY NAMES cudnn libcudnn.so.9 NAMES_PER_DIR HINTS ${_convt_cudnn_hints} PATH_SUFFIXES lib lib64 NO_DEFAULT_PATH)
  find_library(CONVT_CUDNN_LIBRARY NAMES cudnn libcudnn.so.9)
  if(CONVT_CUDNN_INCLUDE_DIR AND CONVT_CUDNN_LIBRARY AND EXISTS "${CONVT_CUDNN_INCLUDE_DIR}/cudnn_version.h")
    file(STRINGS "${CONVT_CUDNN_INCLUDE_DIR}/cudnn_version.h" _convt_cudnn_v REGEX "^#define CUDNN_(MAJOR|MINOR) ")
    string(REGEX REPLACE ".*CUDNN_MAJOR ([0-9]+).*" "\\1" _convt_cudnn_major "${_convt_cudnn_v}")
    string(REGEX REPLACE ".*CUDNN_MINOR ([0-9]+).*" "\\1" _convt_cudnn_minor "${_convt_cudnn_v}")
    set(CONVT_CUDNN_VERSION "${_convt_cudnn_major}.${_convt_cudnn_minor}")
    if(CONVT_CUDNN_VERSION VERSION_LESS 9.8)
      message(STATUS "convt: cuDNN ${CONVT_CUDNN_VERSION} in ${CONVT_CUDNN_INCLUDE_DIR} is older than 9.8 "
                     "(deviceless planning needs 9.8 or later): cuDNN backends not built")
    else()
      set(CONVT_HAVE_CUDNN ON)
    endif()
  endif()
endif()
if(CONVT_HAVE_CUDNN)
  message(STATUS "convt: cuDNN backends ON (cuDNN ${CONVT_CUDNN_VERSION}, ${CONVT_CUDNN_LIBRARY})")
else()
  message(STATUS "convt: cuDNN backends OFF (set CUDNN_PATH to a cuDNN 9.8+ with include/cudnn.h and lib/libcudnn)")
endif()
