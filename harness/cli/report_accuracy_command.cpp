// Stub: convt report accuracy.
#include "harness/cli/command.h"

namespace convt::cli {

void add_report_accuracy(CLI::App* report, Action& action) { (void)report; (void)action; }

}  // namespace convt::cli
