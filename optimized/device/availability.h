// Whether this process can use a GPU, asked without initializing CUDA in it.
//
// A process that has initialized CUDA cannot use it in a child it forks, and
// convt forks a worker per isolated case (harness/isolation.h). So the
// question (cudaGetDeviceCount, then the properties of device 0) is asked in
// a short-lived child process, once per process, and this process's CUDA
// stays untouched until a backend first uses the device.
#pragma once

#include <optional>
#include <string>

#include "optimized/device/device.h"

namespace convt::device {

struct Availability {
  std::optional<DeviceInfo> device;  // device 0, when there is one
  std::string reason;                // why there is none: CUDA's error text
};

const Availability& availability();

}  // namespace convt::device
