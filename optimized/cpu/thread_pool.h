// A small persistent pool of std::threads owned by a plan, so a run does not
// pay for creating threads. run(count, body) calls body(task, thread) once
// for every task in [0, count) on the calling thread and the workers; it
// returns when all are done. Which thread runs which task varies; the tasks
// themselves must not care.
//
// Each thread starts on its own contiguous share of the tasks, front to
// back, and when it is done takes the tasks of another share from the back
// (work stealing). Neighbouring tasks write neighbouring outputs, which
// share cache lines wherever a task's region does not end on a line (y is
// the caller's buffer): with one shared counter, two cores would run
// neighbours at the same time and pass those lines back and forth; with
// shares they meet only at the end of a run.
//
// Between runs a worker spins for about 100 us before it sleeps, and
// the caller spins while the last tasks finish: runs that follow each other
// (a benchmark, a network's layers) do not wait for the scheduler to
// wake a thread, which on a virtual machine costs tens of microseconds, and
// the caller's share of the work does not start ahead of the workers'.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
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
  std::atomic<uint64_t> generation_{0};  // changed (under mutex_) to start a run
  bool stop_ = false;                    // under mutex_
  std::atomic<int> busy_{0};             // workers still in the current run
  const Body* body_ = nullptr;
  // Per thread, its share's tasks not yet taken, [front, back), packed as
  // front << 32 | back; a line each, so taking a task does not slow the others.
  struct alignas(64) Share {
    std::atomic<uint64_t> range{0};
  };
  std::unique_ptr<Share[]> shares_;
};

}  // namespace convt::cpu::detail
