# CONVT_CUDA: AUTO (default) builds the CUDA parts when a CUDA compiler is
# found and quietly leaves them out otherwise; ON requires the toolkit; OFF
# never looks for it. The result is CONVT_HAVE_CUDA.
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
    enable_language(CUDA)
    set(CONVT_HAVE_CUDA ON)
  elseif(_convt_cuda STREQUAL "ON")
    message(FATAL_ERROR "CONVT_CUDA=ON but no CUDA compiler was found (put nvcc on PATH or set CMAKE_CUDA_COMPILER)")
  endif()
endif()
message(STATUS "convt: CUDA backends ${CONVT_HAVE_CUDA} (CONVT_CUDA=${CONVT_CUDA})")
