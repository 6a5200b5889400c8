#include "optimized/device/availability.h"

#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

namespace convt::device {
namespace {

// The answer as lines: "device", then the DeviceInfo fields one per line;
// or "none", then the reason.
std::string ask_here() {
  int count = 0;
  if (auto e = check(cudaGetDeviceCount(&count), "cudaGetDeviceCount")) return "none\nno usable CUDA device: " + e->message;
  if (count == 0) return "none\nno CUDA device: cudaGetDeviceCount found none";
  Result<DeviceInfo> info = device_info();
  if (!info) return "none\nCUDA device 0 unusable: " + info.error().message;
  std::ostringstream out;
  out << "device\n"
      << info->name << '\n'
      << info->major << ' ' << info->minor << ' ' << info->multiprocessors << ' ' << info->sm_clock_khz << ' '
      << info->memory_clock_khz << ' ' << info->memory_bus_bits << ' ' << info->global_memory_bytes << ' '
      << info->driver_version << ' ' << info->runtime_version << '\n';
  return out.str();
}

Availability parse(const std::string& answer) {
  Availability a;
  std::istringstream in(answer);
  std::string kind;
  std::getline(in, kind);
  if (kind == "device") {
    DeviceInfo d;
    std::getline(in, d.name);
    in >> d.major >> d.minor >> d.multiprocessors >> d.sm_clock_khz >> d.memory_clock_khz >> d.memory_bus_bits >>
        d.global_memory_bytes >> d.driver_version >> d.runtime_version;
    if (in) {
      a.device = d;
      return a;
    }
    a.reason = "the CUDA device probe answered in an unknown form";
    return a;
  }
  std::getline(in, a.reason);
  if (a.reason.empty()) a.reason = "the CUDA device probe ended without an answer";
  return a;
}

// Asked in a child process; asked here only when no child can be made.
std::string ask() {
  int fds[2];
  if (pipe(fds) != 0) return ask_here();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return ask_here();
  }
  if (pid == 0) {
    close(fds[0]);
    const std::string answer = ask_here();
    size_t written = 0;
    while (written < answer.size()) {
      const ssize_t n = write(fds[1], answer.data() + written, answer.size() - written);
      if (n <= 0) break;
      written += size_t(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string answer;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0) break;
    answer.append(buf, size_t(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (answer.empty() && WIFSIGNALED(status))
    return "none\nthe CUDA device probe died from signal " + std::to_string(WTERMSIG(status));
  return answer;
}

}  // namespace

const Availability& availability() {
  static const Availability a = parse(ask());
  return a;
}

}  // namespace convt::device
