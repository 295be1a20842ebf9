// A budget of the calling thread's CPU time, checked with as few reads of its CPU clock as an exact
// answer allows: header-only, plain POSIX, on common/clock.h only.
//
// The thread CPU clock is a system call (0.2-0.9 us on this project's VMs), the monotonic clock is
// not (vDSO). A thread cannot use more CPU than the wall time that passes, so until the monotonic
// clock has advanced by the budget left at the last CPU reading, the budget cannot be spent, and
// the CPU clock is not read. A thread that only computes reads it a few times in all (its CPU time
// trails the wall time a little); one that waits (for the emulated GIL) about once after each wait.
//
// Why it matters: a CPU-bound thread under the emulated GIL that enters the kernel every
// microsecond (as spin did, reading its CPU clock) is not the eval loop of CPython, which makes no
// system call, and it moved the convoy: on the 2-core VM the I/O thread beside two spin tasks at
// 5 ms got the lock within one switch interval of waking from its sleep in 16-22% of rounds,
// against 43-57% with the clock read 16 times less often or not at all (CPython: 72%; measured
// with tools/convoy-harness.cc).
#pragma once

#include <cstdint>

#include "common/clock.h"

namespace gilscope::common {

class CpuBudget {
 public:
  explicit CpuBudget(uint64_t budgetNs)
      : startCpuNs_(threadCpuNs()), lastWallNs_(monotonicNs()), budgetNs_(budgetNs), leftNs_(budgetNs) {}

  // True once the thread has used budgetNs of CPU since construction (and from then on).
  bool spent() {
    if (leftNs_ == 0) return true;
    const uint64_t wallNs = monotonicNs();
    if (wallNs - lastWallNs_ < leftNs_) return false;
    // The wall reading is taken before the CPU one, so the bound it gives is conservative.
    lastWallNs_ = wallNs;
    const uint64_t usedNs = threadCpuNs() - startCpuNs_;
    leftNs_ = usedNs >= budgetNs_ ? 0 : budgetNs_ - usedNs;
    return leftNs_ == 0;
  }

 private:
  uint64_t startCpuNs_;
  uint64_t lastWallNs_;
  uint64_t budgetNs_;
  uint64_t leftNs_;
};

}  // namespace gilscope::common
