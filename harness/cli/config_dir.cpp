#include "harness/cli/config_dir.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

#ifndef CONVT_CONFIG_DIR_FROM_BIN
#error "CONVT_CONFIG_DIR_FROM_BIN must be the installed configs directory relative to the installed bin directory"
#endif

namespace convt::cli {

namespace fs = std::filesystem;

Result<std::string> installed_suite(const std::string& name) {
  std::error_code ec;
  if (const char* env = std::getenv("CONVT_CONFIG_DIR"); env && *env) {
    const fs::path path = fs::path(env) / name;
    if (fs::is_regular_file(path, ec)) return path.string();
    return Error{"CONVT_CONFIG_DIR=" + std::string(env) + " holds no " + name +
                 " (unset it to use the installed suites, or give --config FILE)"};
  }
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec)
    return Error{"cannot find " + name + ": /proc/self/exe: " + ec.message() +
                 " (set CONVT_CONFIG_DIR, or give --config FILE)"};
  const fs::path bin = exe.parent_path();
  const std::vector<fs::path> places = {(bin / CONVT_CONFIG_DIR_FROM_BIN).lexically_normal(),
                                        bin / "share" / "convt" / "configs"};
  for (const fs::path& dir : places)
    if (fs::is_regular_file(dir / name, ec)) return (dir / name).string();
  return Error{"cannot find " + name + ": it is in neither " + places[0].string() + " (installed) nor " +
               places[1].string() + " (build tree) (install convt with cmake --install, set CONVT_CONFIG_DIR, "
               "or give --config FILE)"};
}

}  // namespace convt::cli
