#include "runtime/thread_cpu.h"

#include <time.h>

#include "common/clock.h"

namespace gilscope::runtime {

int64_t threadCpuNsOf(int64_t tid) {
  if (tid <= 0) return -1;
  // CPUCLOCK_PERTHREAD_MASK (4) | CPUCLOCK_SCHED (2), the thread's id in the upper bits, inverted.
  // Built unsigned: shifting the negative ~tid would be undefined behaviour; the bits are the same.
  const uint32_t bits = (~static_cast<uint32_t>(tid) << 3) | 6u;
  const auto clock = static_cast<clockid_t>(bits);
  timespec ts{};
  if (clock_gettime(clock, &ts) != 0) return -1;
  return static_cast<int64_t>(common::toNs(ts));
}

}  // namespace gilscope::runtime
