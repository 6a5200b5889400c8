#include "optimized/cpu/thread_pool.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace convt::cpu::detail {
namespace {

// Spins of 2^12 pauses: about 100 us at a pause of about 25 ns. Long
// enough for runs that follow each other; short enough that a pool waiting
// on a machine busy with other work gives its core back soon (much longer
// spins slow down whatever shares the cores, such as the fuzzer beside a
// compiler).
constexpr int kSpins = 1 << 12;

void pause() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

}  // namespace

ThreadPool::ThreadPool(int threads) : shares_(new Share[size_t(threads > 1 ? threads : 1)]) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { work(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

namespace {

// The task at the front (or the back) of a share, if any is left.
bool take(std::atomic<uint64_t>& range, bool front, int64_t& task) {
  uint64_t r = range.load(std::memory_order_acquire);
  while (true) {
    const uint64_t f = r >> 32, b = r & 0xffffffffu;
    if (f >= b) return false;
    const uint64_t next = front ? (f + 1) << 32 | b : f << 32 | (b - 1);
    if (range.compare_exchange_weak(r, next, std::memory_order_acq_rel, std::memory_order_acquire)) {
      task = int64_t(front ? f : b - 1);
      return true;
    }
  }
}

}  // namespace

void ThreadPool::drain(int thread) {
  const int n = size();
  int64_t task;
  while (take(shares_[size_t(thread)].range, true, task)) (*body_)(task, thread);
  for (int i = 1; i < n; ++i)
    while (take(shares_[size_t((thread + i) % n)].range, false, task)) (*body_)(task, thread);
}

void ThreadPool::run(int64_t count, const Body& body) {
  if (workers_.empty() || count <= 1 || count > int64_t(0xffffffffu)) {  // (shares count in 32 bits)
    for (int64_t task = 0; task < count; ++task) body(task, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    body_ = &body;
    const int64_t n = size();
    for (int64_t t = 0; t < n; ++t)
      shares_[size_t(t)].range.store(uint64_t(count * t / n) << 32 | uint64_t(count * (t + 1) / n),
                                     std::memory_order_relaxed);
    busy_.store(int(workers_.size()), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  drain(0);
  for (int i = 0; i < kSpins && busy_.load(std::memory_order_acquire) != 0; ++i) pause();
  if (busy_.load(std::memory_order_acquire) != 0) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return busy_.load(std::memory_order_acquire) == 0; });
  }
  std::lock_guard<std::mutex> lock(mutex_);  // the workers are out of drain(): body_ is ours again
  body_ = nullptr;
}

void ThreadPool::work(int thread) {
  uint64_t seen = 0;
  while (true) {
    for (int i = 0; i < kSpins && generation_.load(std::memory_order_acquire) == seen; ++i) pause();
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_.load(std::memory_order_relaxed) != seen; });
      if (stop_) return;
      seen = generation_.load(std::memory_order_relaxed);
    }
    drain(thread);
    if (busy_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_one();
    }
  }
}

}  // namespace convt::cpu::detail
