// Stub: convt report determinism.
#include "harness/cli/command.h"

namespace convt::cli {

void add_report_determinism(CLI::App* report, Action& action) { (void)report; (void)action; }

}  // namespace convt::cli
