// What `convt --version` prints, on one line: the version, the commit the
// build was configured from (`git describe --always --dirty`, or "unknown"
// outside git), the build type, and the backends compiled in.
#pragma once

#include <string>

namespace convt::cli {

std::string version_text();

}  // namespace convt::cli
