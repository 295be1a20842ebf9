#include "runtime/census.h"

#include <chrono>

#include "common/clock.h"

namespace gilscope::runtime {

bool CensusBarrier::arrive() {
  std::unique_lock<std::mutex> lock(mutex_);
  arrived_ += 1;
  if (arrived_ >= count_) {
    cv_.notify_all();
    return true;
  }
  while (arrived_ < count_) {
    const uint64_t now = common::monotonicNs();
    if (now >= deadlineNs_) return false;
    cv_.wait_for(lock, std::chrono::nanoseconds(deadlineNs_ - now));
  }
  return true;
}

}  // namespace gilscope::runtime
