// Cancellation shared between the JS thread (which cancels) and the thread running a task.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace gilscope::runtime {

class CancelToken {
 public:
  // Safe from any thread; wakes a task blocked in sleepFor().
  void cancel() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      cancelled_.store(true, std::memory_order_release);
    }
    wake_.notify_all();
  }

  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }

  // Blocks for us microseconds without using CPU, or until cancelled. Returns false if cancelled.
  bool sleepFor(uint64_t us) {
    std::unique_lock<std::mutex> lock(mutex_);
    return !wake_.wait_for(lock, std::chrono::microseconds(us), [this] { return cancelled(); });
  }

 private:
  std::atomic<bool> cancelled_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace gilscope::runtime
