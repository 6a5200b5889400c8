#include "optimized/cuda/shared_access_log.h"

#include "optimized/cuda/step_kernel.h"

namespace convt::cuda {

bool log_shared_read(SharedAccessLog& log, int index, int thread) { return log.read(index, thread); }
bool log_shared_write(SharedAccessLog& log, int index, int thread) { return log.write(index, thread); }

SharedAccessLog::SharedAccessLog(int floats)
    : floats_(floats), write_interval_(size_t(floats), -1), read_interval_(size_t(floats), -1),
      writer_(size_t(floats), kNobody), reader_(size_t(floats), kNobody) {}

void SharedAccessLog::start_block(int block) {
  block_ = block;
  step_ = 0;
  ++interval_;
}

void SharedAccessLog::found(std::string what) {
  if (!finding_)
    finding_ = "block " + std::to_string(block_) + ", step " + std::to_string(step_) + ": " + std::move(what);
}

bool SharedAccessLog::in_bounds(int index, int thread, const char* verb) {
  if (index >= 0 && index < floats_) return true;
  found("thread " + std::to_string(thread) + " " + verb + " shared float " + std::to_string(index) +
        ", outside the block's " + std::to_string(floats_));
  return false;
}

bool SharedAccessLog::read(int index, int thread) {
  if (!in_bounds(index, thread, "reads")) return false;
  const size_t i = size_t(index);
  if (write_interval_[i] == interval_ && writer_[i] != thread)
    found("thread " + std::to_string(thread) + " reads shared float " + std::to_string(index) + ", which thread " +
          std::to_string(writer_[i]) + " writes since the last barrier (a barrier is missing)");
  if (read_interval_[i] != interval_) {
    read_interval_[i] = interval_;
    reader_[i] = thread;
  } else if (reader_[i] != thread) {
    reader_[i] = kSeveral;
  }
  return true;
}

bool SharedAccessLog::write(int index, int thread) {
  if (!in_bounds(index, thread, "writes")) return false;
  const size_t i = size_t(index);
  if (write_interval_[i] == interval_ && writer_[i] != thread)
    found("threads " + std::to_string(writer_[i]) + " and " + std::to_string(thread) + " both write shared float " +
          std::to_string(index) + " since the last barrier");
  if (read_interval_[i] == interval_ && reader_[i] != thread)
    found("thread " + std::to_string(thread) + " writes shared float " + std::to_string(index) + ", which " +
          (reader_[i] == kSeveral ? std::string("other threads read") : "thread " + std::to_string(reader_[i]) + " reads") +
          " since the last barrier (a barrier is missing)");
  write_interval_[i] = interval_;
  writer_[i] = thread;
  return true;
}

}  // namespace convt::cuda
