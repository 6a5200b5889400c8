// Interrupted runs: SIGINT and SIGTERM set a flag instead of killing convt,
// so that a long run stops after the case in progress and writes what it
// has as a partial report (harness/report/report.h: "partial": true). A
// second signal ends the process at once, as the user asked twice.
#pragma once

namespace convt {

// Installs the handlers (once; later calls do nothing).
void stop_on_interrupt();

// Whether SIGINT or SIGTERM arrived since stop_on_interrupt.
bool interrupted();

// The signal that arrived (SIGINT, SIGTERM), or 0.
int interrupting_signal();

}  // namespace convt
