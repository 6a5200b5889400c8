// A progress bar for long steps, on stderr when it is a terminal (nothing
// otherwise, so logs and pipes stay clean):
//   check  [#########-----------]  412/915  cudnn mb2ic8ih5oc12kh3sh2ph1oph1
// redrawn at most ten times a second, cleared when done.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace convt {

class Progress {
 public:
  Progress(std::string step, int64_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `done` of total finished; `what` is in progress now.
  void update(int64_t done, const std::string& what = {});
  void finish();

  // Whether bars are drawn at all (stderr is a terminal, TERM is not dumb).
  static bool shown();

 private:
  std::string step_;
  int64_t total_;
  bool active_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace convt
