// Cancellation shared between the thread that cancels and the thread running a task.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace gilscope::runtime {

class CancelToken {
 public:
  // Something blocked elsewhere (the emulated GIL's waiters) that cancel() must wake. It is called
  // with the token's own mutex held, so it must never call back into the token; the owner takes
  // its own locks after the token's, never the other way round.
  class Waker {
   public:
    virtual void wakeForCancel() = 0;

   protected:
    ~Waker() = default;
  };

  CancelToken() = default;
  // Also cancelled when *external becomes non-zero: a flag in shared memory (a SharedArrayBuffer
  // cell) set by another thread, read with atomic loads only. It must outlive the token's use.
  explicit CancelToken(const int32_t* external) : external_(external) {}

  // Safe from any thread; wakes a task blocked in sleepFor(), and the registered waker.
  void cancel() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      cancelled_.store(true, std::memory_order_release);
      if (waker_ != nullptr) waker_->wakeForCancel();
    }
    wake_.notify_all();
  }

  // Registers (nullptr: unregisters) the one waker cancel() calls. Must not be called with a lock
  // held that the waker takes. The waker must stay valid until unregistered.
  void setWaker(Waker* waker) {
    std::lock_guard<std::mutex> guard(mutex_);
    waker_ = waker;
  }

  // False when an external flag can cancel the token: nothing wakes a wait on that.
  bool cancelWakes() const { return external_ == nullptr; }

  bool cancelled() const {
    return cancelled_.load(std::memory_order_acquire) ||
           (external_ != nullptr && __atomic_load_n(external_, __ATOMIC_ACQUIRE) != 0);
  }

  // Blocks for us microseconds without using CPU, or until cancelled. Returns false if cancelled.
  // An external flag cannot wake the wait, so with one the wait is sliced to 1 ms.
  bool sleepFor(uint64_t us) {
    std::unique_lock<std::mutex> lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
    if (external_ == nullptr) {
      return !wake_.wait_until(lock, deadline, [this] { return cancelled(); });
    }
    while (!cancelled()) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return true;
      const auto slice = std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(1));
      wake_.wait_for(lock, slice, [this] { return cancelled_.load(std::memory_order_acquire); });
    }
    return false;
  }

 private:
  std::atomic<bool> cancelled_{false};
  const int32_t* external_ = nullptr;
  std::mutex mutex_;
  std::condition_variable wake_;
  Waker* waker_ = nullptr;  // guarded by mutex_
};

}  // namespace gilscope::runtime
