#include <iomanip>
#include <iostream>

#include "harness/backend.h"
#include "harness/cli/command.h"

namespace convt::cli {

void add_list_command(CLI::App& app, Action& action) {
  CLI::App* list = app.add_subcommand("list", "List the backends, each available or not, with the reason");
  list->callback([&action] {
    action = [] {
      for (const BackendEntry& b : backend_registry()) {
        std::cout << std::left << std::setw(12) << b.name << std::setw(6) << b.device
                  << (b.unavailable.empty() ? "available      " + b.description
                                            : "unavailable    " + b.unavailable)
                  << '\n';
      }
      return kSuccess;
    };
  });
}

}  // namespace convt::cli
