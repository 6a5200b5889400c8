#include <exception>
#include <iostream>
#include <new>

#include "harness/cli/command.h"

namespace convt::cli {

int bad_input(const Error& error) {
  std::cerr << "convt: " << error.message << '\n';
  return kBadInput;
}

}  // namespace convt::cli

int main(int argc, char** argv) {
  using namespace convt::cli;
  CLI::App app{"convt: verification and benchmark harness for conv_transpose2d with PyTorch's semantics"};
  app.set_version_flag("--version", std::string("convt ") + CONVT_VERSION);
  app.require_subcommand(1);
  Action action;
  add_run_command(app, action);
  add_list_command(app, action);
  add_check_command(app, action);
  add_fuzz_command(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "convt: " << e.what() << " (see convt --help)\n";
    return kBadInput;
  }
  try {
    return action();
  } catch (const std::bad_alloc&) {
    std::cerr << "convt: out of memory: the problem's tensors do not fit in this machine's memory\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "convt: internal error: " << e.what() << '\n';
    return kInternalError;
  }
}
