// Stub: convt report html.
#include "harness/cli/command.h"

namespace convt::cli {

void add_report_html(CLI::App* report, Action& action) { (void)report; (void)action; }

}  // namespace convt::cli
