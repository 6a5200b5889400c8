#include "harness/isolation.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <new>
#include <optional>
#include <sstream>
#include <string_view>
#include <type_traits>
#include <vector>

namespace convt {
namespace {

using Clock = std::chrono::steady_clock;

// What a worker sends, in this order: kEnter and kLeave around each call
// into the backend, then kResult, the result's length (8 bytes) and the
// result. Both ends are this same program, so values go in native layout.
constexpr char kEnter = 'B', kLeave = 'E', kResult = 'R';

// The fields of the structures a result holds, each listed once: a field
// added to one of them does not compile here until it is listed (and so
// sent) too.
template <class R, class F>
  requires std::is_same_v<std::remove_const_t<R>, CaseResult>
void for_each_field(R& r, F&& f) {
  auto& [verdict, reason, comparison, nondeterministic, differing_run, differences, prepare_seconds, run_seconds] = r;
  f(verdict);
  f(reason);
  f(comparison);
  f(nondeterministic);
  f(differing_run);
  f(differences);
  f(prepare_seconds);
  f(run_seconds);
}

template <class R, class F>
  requires std::is_same_v<std::remove_const_t<R>, Comparison>
void for_each_field(R& c, F&& f) {
  auto& [mismatches, not_written, first, worst_ratio] = c;
  f(mismatches);
  f(not_written);
  f(first);
  f(worst_ratio);
}

template <class R, class F>
  requires std::is_same_v<std::remove_const_t<R>, RunDifferences>
void for_each_field(R& d, F&& f) {
  auto& [count, first] = d;
  f(count);
  f(first);
}

template <class T>
constexpr bool is_vector = false;
template <class T>
constexpr bool is_vector<std::vector<T>> = true;

class Writer {
 public:
  template <class T>
  void put(const T& v) {
    if constexpr (std::is_trivially_copyable_v<T>) {
      bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      put(uint64_t(v.size()));
      bytes_ += v;
    } else if constexpr (is_vector<T>) {
      put(uint64_t(v.size()));
      for (const auto& e : v) put(e);
    } else {
      for_each_field(v, [this](const auto& field) { put(field); });
    }
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}

  template <class T>
  void get(T& v) {
    if constexpr (std::is_trivially_copyable_v<T>) {
      if (rest_.size() < sizeof v) return fail();
      std::memcpy(static_cast<void*>(&v), rest_.data(), sizeof v);
      rest_.remove_prefix(sizeof v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      const uint64_t n = count();
      v.assign(rest_.substr(0, n));
      rest_.remove_prefix(n);
    } else if constexpr (is_vector<T>) {
      v.resize(count());
      for (auto& e : v) get(e);
    } else {
      for_each_field(v, [this](auto& field) { get(field); });
    }
  }
  // Every byte read, none missing.
  bool complete() const { return ok_ && rest_.empty(); }

 private:
  // A length, no larger than what is left (each element takes a byte at least).
  uint64_t count() {
    uint64_t n = 0;
    get(n);
    if (n > rest_.size()) {
      fail();
      return 0;
    }
    return n;
  }
  void fail() {
    ok_ = false;
    rest_ = {};
  }

  std::string_view rest_;
  bool ok_ = true;
};

CaseResult failed(std::string reason) {
  CaseResult r;
  r.verdict = Verdict::failed;
  r.reason = std::move(reason);
  return r;
}

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the parent is gone: nobody is left to tell
    bytes.remove_prefix(size_t(n));
  }
}

// The worker: runs the case, reports on `fd` and ends without running
// anything of the parent's (no atexit handlers, no static destructors).
[[noreturn]] void work(Backend& backend, const CaseSpec& spec, int fd, pid_t parent) {
#ifdef __linux__
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a worker does not outlive convt
  if (::getppid() != parent) ::_exit(1);
#else
  (void)parent;
#endif
  CaseResult result;
  try {
    result = run_case(backend, spec, [fd](bool inside) { write_all(fd, std::string(1, inside ? kEnter : kLeave)); });
  } catch (const std::bad_alloc&) {
    result = failed("out of memory: the problem's tensors do not fit in this machine's memory");
  } catch (const std::exception& e) {
    result = failed(std::string("internal error: ") + e.what());
  }
  Writer payload;
  payload.put(result);
  std::string frame(1, kResult);
  const uint64_t length = payload.bytes().size();
  frame.append(reinterpret_cast<const char*>(&length), sizeof length);
  frame += payload.bytes();
  std::cout.flush();  // what the backend printed comes before the parent's report of the case
  std::fflush(nullptr);
  write_all(fd, frame);
  ::_exit(0);
}

// What the parent learnt from a worker's pipe.
struct Report {
  std::optional<CaseResult> result;
  bool in_backend = false;  // the last thing heard: a call into the backend began
  bool timed_out = false;
  bool garbled = false;
};

// Reads the worker's messages until the pipe closes or the time spent in
// the backend's calls exceeds `timeout`.
Report watch(int fd, double timeout) {
  Report report;
  std::string buffer;
  size_t parsed = 0;
  double spent = 0;  // in finished backend calls
  Clock::time_point entered;
  char chunk[4096];
  for (;;) {
    int wait_ms = -1;  // outside the backend, no limit
    if (report.in_backend) {
      const double left = timeout - spent - std::chrono::duration<double>(Clock::now() - entered).count();
      if (left <= 0) {
        report.timed_out = true;
        return report;
      }
      wait_ms = int(std::min(left * 1000 + 1, 1e9));
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, wait_ms);
    if (ready < 0 && errno != EINTR) return report;
    if (ready <= 0) continue;
    const ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) return report;  // the worker is gone (or failed to report)
    buffer.append(chunk, size_t(got));
    while (parsed < buffer.size() && !report.result) {
      const char tag = buffer[parsed];
      if (tag == kEnter) {
        report.in_backend = true;
        entered = Clock::now();
        ++parsed;
      } else if (tag == kLeave) {
        if (report.in_backend) spent += std::chrono::duration<double>(Clock::now() - entered).count();
        report.in_backend = false;
        ++parsed;
      } else if (tag == kResult) {
        uint64_t length = 0;
        if (buffer.size() - parsed < 1 + sizeof length) break;
        std::memcpy(&length, buffer.data() + parsed + 1, sizeof length);
        if (buffer.size() - parsed - 1 - sizeof length < length) break;
        Reader reader(std::string_view(buffer).substr(parsed + 1 + sizeof length, length));
        CaseResult result;
        reader.get(result);
        if (!reader.complete()) {
          report.garbled = true;
          return report;
        }
        report.result = std::move(result);
        report.in_backend = false;
        parsed += 1 + sizeof length + length;
      } else {
        report.garbled = true;
        return report;
      }
    }
  }
}

const char* signal_name(int signal) {
  switch (signal) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGTRAP: return "SIGTRAP";
    case SIGSYS: return "SIGSYS";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    case SIGQUIT: return "SIGQUIT";
    case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
  }
  return nullptr;
}

// "SIGSEGV (Segmentation fault)".
std::string describe_signal(int signal) {
  const char* name = signal_name(signal);
  std::string text = name ? name : "signal " + std::to_string(signal);
  if (const char* meaning = ::strsignal(signal)) text += std::string(" (") + meaning + ")";
  return text;
}

std::string seconds_text(double seconds) {
  std::ostringstream out;
  out << seconds;
  return out.str();
}

std::string failure_text(const char* call, int error) { return std::string(call) + ": " + std::strerror(error); }

}  // namespace

bool isolates(const Backend& backend, const Isolation& isolation) {
  switch (isolation.mode) {
    case IsolateMode::on: return true;
    case IsolateMode::off: return false;
    case IsolateMode::by_backend: break;
  }
  return backend.isolate_by_default();
}

CaseResult run_case_in_worker(Backend& backend, const CaseSpec& spec, double timeout_seconds) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return failed("cannot start a worker process: " + failure_text("pipe", errno));
  // What is buffered is written now, or the worker would write it again.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    return failed("cannot start a worker process: " + failure_text("fork", error));
  }
  if (pid == 0) {
    ::close(fds[0]);
    work(backend, spec, fds[1], parent);
  }
  ::close(fds[1]);
  Report report = watch(fds[0], timeout_seconds);
  ::close(fds[0]);
  if (report.timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  if (report.timed_out)
    return failed("timed out after " + seconds_text(timeout_seconds) + " s in the backend (--case-timeout)");
  if (report.result) return std::move(*report.result);  // what the worker did after reporting does not matter
  const std::string where = report.in_backend ? " in the backend" : " outside the backend's calls";
  if (report.garbled) return failed("the worker's report was garbled (did the backend write to convt's pipe?)");
  if (WIFSIGNALED(status)) return failed("crashed: " + describe_signal(WTERMSIG(status)) + where);
  return failed("the worker exited (status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")" +
                where + " before the case finished");
}

CaseResult run_case_with(Backend& backend, const CaseSpec& spec, const Isolation& isolation) {
  if (!isolates(backend, isolation)) return run_case(backend, spec);
  return run_case_in_worker(backend, spec,
                            isolation.case_timeout > 0 ? isolation.case_timeout : Isolation::kDefaultCaseTimeout);
}

}  // namespace convt
