#include "harness/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace convt {

bool Progress::shown() {
  const char* term = std::getenv("TERM");
  return isatty(STDERR_FILENO) && term && std::strcmp(term, "dumb") != 0;
}

Progress::Progress(std::string step, int64_t total) : step_(std::move(step)), total_(total), active_(shown()) {}

Progress::~Progress() { finish(); }

void Progress::update(int64_t done, const std::string& what) {
  if (!active_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  constexpr int kWidth = 24;
  const int filled = total_ > 0 ? int(kWidth * done / total_) : kWidth;
  std::string bar(size_t(filled), '#');
  bar.append(size_t(kWidth - filled), '-');
  std::fprintf(stderr, "\r\033[K%s [%s] %lld/%lld %.60s", step_.c_str(), bar.c_str(), (long long)done,
               (long long)total_, what.c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  if (!active_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  active_ = false;
}

}  // namespace convt
