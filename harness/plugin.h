// Bring your own implementation: a shared library that implements the C ABI
// of include/convt/plugin.h, loaded as a backend. Every way a library can be
// wrong (not loadable, a missing symbol, another ABI version, a non-zero
// return) is an error value naming the library, never a crash of convt.
#pragma once

#include <string>

#include "harness/backend.h"

namespace convt {

Result<NamedBackend> load_plugin(const std::string& path);

}  // namespace convt
