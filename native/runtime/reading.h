// One reading of the calling thread: what a task's accounting is made of, taken at its start and
// at its end. A reading is CLOCK_MONOTONIC, then the thread's usage (usage.h), then CLOCK_MONOTONIC
// again, so that the wall interval between two readings always contains their CPU interval.
#pragma once

#include <cstdint>

#include "common/clock.h"
#include "runtime/usage.h"

namespace gilscope::runtime {

struct Reading {
  uint64_t beforeNs = 0;  // CLOCK_MONOTONIC before the usage reads: a task's startNs
  ThreadUsage usage;
  uint64_t afterNs = 0;  // CLOCK_MONOTONIC after them: a task's endNs
};

inline Reading readThread() {
  Reading r;
  r.beforeNs = common::monotonicNs();
  r.usage = sampleThread();
  r.afterNs = common::monotonicNs();
  return r;
}

// What each raw reading costs on this thread, in ns per call, timed in a loop of `calls` calls.
struct ReadingCosts {
  double monotonicNs = 0;  // clock_gettime(CLOCK_MONOTONIC) (vDSO)
  double threadCpuNs = 0;  // clock_gettime(CLOCK_THREAD_CPUTIME_ID)
  double rusageNs = 0;     // getrusage(RUSAGE_THREAD)
  double schedstatNs = 0;  // pread + parse of /proc/thread-self/schedstat; 0 where absent
  double readingNs = 0;    // readThread() as a whole
};
ReadingCosts measureReadingCosts(uint64_t calls);

}  // namespace gilscope::runtime
