// Per-thread and per-process usage, read by the thread itself, and the process's resident memory.
// The clocks themselves are common/clock.h. One source per figure:
//   user/system split and context switches: getrusage(RUSAGE_THREAD), refreshed by reading the
//                thread CPU clock first (otherwise it can lag by up to one scheduler tick);
//   run-queue wait: /proc/thread-self/schedstat (absent on kernels without schedstats);
//   resident memory: /proc/self/statm.
#pragma once

#include <cstdint>

namespace gilscope::runtime {

struct ThreadUsage {
  uint64_t cpuNs = 0;     // thread CPU clock
  uint64_t userUs = 0;    // RUSAGE_THREAD
  uint64_t systemUs = 0;  // RUSAGE_THREAD
  int64_t voluntarySwitches = 0;
  int64_t involuntarySwitches = 0;
  int64_t runQueueNs = -1;  // schedstat field 2; -1 when the OS does not provide it
};

// Samples the calling thread: the CPU clock first (which brings rusage up to date), then rusage,
// then schedstat. Cost about 0.6-1.7 us (the schedstat file stays open per thread).
ThreadUsage sampleThread();

// Only the run-queue figure of sampleThread() (schedstat field 2), or -1 where the OS has none.
int64_t runQueueNs();

struct ProcessUsage {
  uint64_t userUs = 0;
  uint64_t systemUs = 0;
};
// getrusage(RUSAGE_SELF): every thread of this process, dead ones included.
ProcessUsage sampleProcess();

// Resident set size of this process in bytes (/proc/self/statm), or -1 when it cannot be read.
int64_t residentBytes();

}  // namespace gilscope::runtime
