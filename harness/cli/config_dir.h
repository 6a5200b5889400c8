// Where convt finds its suites (configs/*.json, such as the default suite
// conformance.json): in $CONVT_CONFIG_DIR when it is set, else next to its
// own executable, as /proc/self/exe names it: <prefix>/bin/convt reads
// <prefix>/share/convt/configs (the layout of `cmake --install`), and
// build/convt reads build/share/convt/configs (a link to the source tree's
// configs/ that CMake makes when it configures). No source path is compiled
// in, so a moved or installed convt reads its own suites.
#pragma once

#include <string>

#include "reference/result.h"

namespace convt::cli {

// The path of the suite file `name` (e.g. "conformance.json"), or an error
// that names where it was looked for and what to do.
Result<std::string> installed_suite(const std::string& name);

}  // namespace convt::cli
