// A small persistent pool of std::threads owned by a plan, so a run does not
// pay for creating threads. run(count, body) calls body(task, thread) once
// for every task in [0, count) on the calling thread and the workers, which
// take the next task from a shared counter; it returns when all are done.
// Which thread runs which task varies; the tasks themselves must not care.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace convt::cpu::detail {

class ThreadPool {
 public:
  using Body = std::function<void(int64_t task, int thread)>;

  explicit ThreadPool(int threads);  // threads in all, the caller included
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return int(workers_.size()) + 1; }
  void run(int64_t count, const Body& body);

 private:
  void work(int thread);
  void drain(int thread);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  uint64_t generation_ = 0;
  bool stop_ = false;
  int busy_ = 0;
  const Body* body_ = nullptr;
  int64_t count_ = 0;
  std::atomic<int64_t> next_{0};
};

}  // namespace convt::cpu::detail
