// Bring your own implementation: a shared library that implements the C ABI
// of include/convt/plugin.h, loaded as a backend. Every way a library can be
// wrong (not loadable, a missing symbol, another ABI version, an unknown
// math mode, a non-zero return) is an error value naming the library, never
// a crash of convt. ABI versions 1 and 2 load; a version 2 plugin's math mode
// (strict float32, TF32 to nearest, TF32 truncated) is its backend's math(),
// so it is judged by the matching bound (harness/bound.h).
#pragma once

#include <string>

#include "harness/backend.h"

namespace convt {

Result<NamedBackend> load_plugin(const std::string& path);

}  // namespace convt
