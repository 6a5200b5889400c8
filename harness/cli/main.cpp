#include <exception>
#include <iostream>
#include <new>
#include <string>

#include "harness/cli/command.h"
#include "harness/cli/report_info.h"
#include "harness/cli/version.h"

namespace convt::cli {

namespace {

// Errors are one line on stderr, whatever a user typed into them: control
// characters are written as \xNN.
std::string one_line(const std::string& text) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c != 0x7f) {
      out += char(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

int bad_input(const Error& error) {
  std::cerr << "convt: " << one_line(error.message) << '\n';
  return kBadInput;
}

}  // namespace convt::cli

int main(int argc, char** argv) {
  using namespace convt::cli;
  CLI::App app{"convt: verification and benchmark harness for conv_transpose2d with PyTorch's semantics"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  Action action;
  add_run_command(app, action);
  add_list_command(app, action);
  add_check_command(app, action);
  add_fuzz_command(app, action);
  add_bench_command(app, action);
  add_report_command(app, action);
  remember_command_line(argc, argv);

  // CLI11 reports an unknown command as a missing one: name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    std::string commands;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) {
      commands += (commands.empty() ? "" : ", ") + sub->get_name();
      known |= sub->get_name() == argv[1];
    }
    if (!known)
      return bad_input(convt::Error{"unknown command '" + std::string(argv[1]) + "' (commands: " + commands + ")"});
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return bad_input(convt::Error{std::string(e.what()) + " (see convt --help)"});
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
