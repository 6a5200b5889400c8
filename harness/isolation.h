// Isolated cases: a case run in a worker process, so that a backend that
// crashes, aborts or never returns fails that one case (with the reason)
// and the run goes on.
//
// Each isolated case forks a fresh worker (POSIX fork) that inherits the
// parent as it is, a plugin's library already loaded, runs run_case there
// and sends the CaseResult back through a pipe. The parent waits; it fails
// the case when the worker dies from a signal ("crashed: SIGSEGV
// (Segmentation fault) in the backend"), exits before it reports, or spends
// longer than the case timeout inside the backend's calls (unsupported,
// prepare and the runs; the oracle's own time does not count), in which
// case it kills the worker with SIGKILL ("timed out after 60 s in the
// backend"). Nothing a worker does reaches the parent or the next case.
//
// A backend says whether its cases are isolated unless the user says
// otherwise (Backend::isolate_by_default): plugins are, the built-in CPU
// backends are not. Because the worker is forked, a backend that isolates
// by default must not hold state that a fork does not carry (threads, a GPU
// context) before its first prepare.
#pragma once

#include "harness/check_case.h"

namespace convt {

enum class IsolateMode {
  by_backend,  // as Backend::isolate_by_default says
  on,          // every case in a worker
  off,         // every case in this process
};

struct Isolation {
  IsolateMode mode = IsolateMode::by_backend;
  double case_timeout = 0;  // seconds in the backend's calls; 0: kDefaultCaseTimeout

  static constexpr double kDefaultCaseTimeout = 60;
};

// Whether `backend`'s cases run in a worker under `isolation`.
bool isolates(const Backend& backend, const Isolation& isolation);

// run_case in a fresh worker process, failing the case as described above.
CaseResult run_case_in_worker(Backend& backend, const CaseSpec& spec, double timeout_seconds);

// run_case, in a worker when `isolation` says so for this backend.
CaseResult run_case_with(Backend& backend, const CaseSpec& spec, const Isolation& isolation);

}  // namespace convt
