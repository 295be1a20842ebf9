// Small helpers shared by the native tests. Time bounds here are hang guards, never speed checks:
// they are seconds long so that a loaded 2-core machine (or a sanitizer) cannot trip them.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

#include "common/clock.h"
#include "kernels/context.h"

namespace gilscope::tests {

// Generous bound for "returns promptly" checks: far above the ~1 ms the runtime promises.
constexpr uint64_t kHangGuardNs = 5'000'000'000ull;

// Polls pred every 100 us until it is true or timeoutNs passed. Returns pred's last value.
inline bool waitUntil(const std::function<bool()>& pred, uint64_t timeoutNs = kHangGuardNs) {
  const uint64_t deadline = common::monotonicNs() + timeoutNs;
  while (!pred()) {
    if (common::monotonicNs() >= deadline) return pred();
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return true;
}

// Burns about cpuUs of this thread's CPU.
inline void burnCpuUs(uint64_t cpuUs) {
  const uint64_t start = common::threadCpuNs();
  volatile uint64_t x = 1;
  while (common::threadCpuNs() - start < common::usToNs(cpuUs)) x = x * 6364136223846793005ull + 1;
}

// A kernel context that counts calls and reports cancellation after a set number of checkpoints.
class CountingContext final : public kernels::Context {
 public:
  explicit CountingContext(uint64_t cancelAfter = UINT64_MAX, bool blockOk = true)
      : cancelAfter_(cancelAfter), blockOk_(blockOk) {}

  bool checkpoint() override {
    ++checkpoints;
    if (cancelled) ++callsAfterCancel;
    if (checkpoints > cancelAfter_) cancelled = true;
    return !cancelled;
  }

  bool block(uint64_t us) override {
    ++blocks;
    blockedUs += us;
    if (cancelled) ++callsAfterCancel;
    if (!blockOk_) cancelled = true;
    return !cancelled;
  }

  uint64_t checkpoints = 0;
  uint64_t blocks = 0;
  uint64_t blockedUs = 0;
  uint64_t callsAfterCancel = 0;  // calls made after a call had already reported cancellation
  bool cancelled = false;

 private:
  uint64_t cancelAfter_;
  bool blockOk_;
};

// A kernel context that measures the thread CPU spent between consecutive checkpoints (and from
// its creation to the first one): the work a kernel does without looking at its context.
class GapContext final : public kernels::Context {
 public:
  GapContext() : lastNs_(common::threadCpuNs()) {}

  bool checkpoint() override {
    const uint64_t now = common::threadCpuNs();
    if (now - lastNs_ > maxGapNs) maxGapNs = now - lastNs_;
    ++checkpoints;
    lastNs_ = common::threadCpuNs();  // the clock read itself is not the kernel's work
    return true;
  }

  bool block(uint64_t) override {
    lastNs_ = common::threadCpuNs();
    return true;
  }

  uint64_t checkpoints = 0;
  uint64_t maxGapNs = 0;

 private:
  uint64_t lastNs_;
};

}  // namespace gilscope::tests
