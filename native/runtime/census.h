// The pool census: `count` tiny tasks that meet at a barrier, so that each ran on a distinct thread
// of the pool they were queued to. With count = the pool size, the tids of a met census are the
// whole pool. The barrier has a hard deadline: when the pool is busy, fewer tasks arrive in time,
// each returns at the deadline (met = false), and a task that starts after it returns at once.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace gilscope::runtime {

class CensusBarrier {
 public:
  // deadlineNs: CLOCK_MONOTONIC time after which no task waits.
  CensusBarrier(uint32_t count, uint64_t deadlineNs) : count_(count), deadlineNs_(deadlineNs) {}

  // Arrives and waits until all `count` tasks have arrived or the deadline passed; true when all met.
  bool arrive();

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  uint32_t arrived_ = 0;
  const uint32_t count_;
  const uint64_t deadlineNs_;
};

}  // namespace gilscope::runtime
