// Host execution's barrier checker: who read and who wrote each float of a
// block's shared memory since the last barrier. On the GPU the threads of
// a block run in no defined order between two barriers, so a thread that
// reads a float another thread writes in the same interval, or two
// threads that write the same float, race: a barrier is missing. The first
// such access (and any index outside the block's shared memory) is kept as
// the finding.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace convt::cuda {

class SharedAccessLog {
 public:
  explicit SharedAccessLog(int floats);

  // A new block: shared memory is fresh, nothing accessed.
  void start_block(int block);
  // Step `step` of the block is about to run.
  void start_step(int step) { step_ = step; }
  // A barrier: what was written before it is visible after.
  void barrier() { ++interval_; }

  // false for an index outside the block's shared memory.
  bool read(int index, int thread);
  bool write(int index, int thread);

  // The first race or out-of-bounds access, in words; nullopt when none.
  const std::optional<std::string>& finding() const { return finding_; }

 private:
  static constexpr int kNobody = -1;
  static constexpr int kSeveral = -2;
  bool in_bounds(int index, int thread, const char* verb);
  void found(std::string what);

  int floats_;
  int block_ = 0;
  int step_ = 0;
  long interval_ = 0;
  // Per float: the interval of its last write and read, and by whom
  // (kSeveral: more than one thread read it in that interval).
  std::vector<long> write_interval_, read_interval_;
  std::vector<int> writer_, reader_;
  std::optional<std::string> finding_;
};

}  // namespace convt::cuda
