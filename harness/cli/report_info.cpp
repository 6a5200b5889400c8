#include "harness/cli/report_info.h"

#include "harness/shell_quote.h"

namespace convt::cli {
namespace {
std::string& command_line() {
  static std::string line;
  return line;
}
}  // namespace

void remember_command_line(int argc, char** argv) {
  std::string line = "convt";
  for (int i = 1; i < argc; ++i) {
    line += ' ';
    line += shell_quote(argv[i]);
  }
  command_line() = line;
}

report::RunInfo run_info(const std::vector<uint64_t>& seeds, const Shard& shard, bool with_gpu) {
  report::RunInfo info;
  info.convt_version = CONVT_VERSION;
  info.commit = CONVT_GIT_COMMIT;
  info.command_line = command_line();
  info.seeds = seeds;
  info.shard_index = int(shard.index);
  info.shard_count = int(shard.count);
  info.with_gpu = with_gpu;
  return info;
}

}  // namespace convt::cli
