#include "harness/interrupt.h"

#include <csignal>

namespace convt {
namespace {

volatile std::sig_atomic_t received = 0;

void on_signal(int signal) {
  if (received) {  // the second one: as if no handler were installed
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  received = signal;
}

}  // namespace

void stop_on_interrupt() {
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    return true;
  }();
  (void)installed;
}

bool interrupted() { return received != 0; }

int interrupting_signal() { return received; }

}  // namespace convt
