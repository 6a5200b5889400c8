#include "harness/cli/version.h"

#include "harness/backend.h"

namespace convt::cli {

std::string version_text() {
  std::string backends;
  for (const BackendEntry& e : backend_registry())
    if (e.make) backends += (backends.empty() ? "" : ", ") + e.name;  // built, available here or not
  return std::string("convt ") + CONVT_VERSION + " (commit " + CONVT_GIT_COMMIT + ", " + CONVT_BUILD_TYPE +
         " build; backends compiled in: " + backends + ")";
}

}  // namespace convt::cli
