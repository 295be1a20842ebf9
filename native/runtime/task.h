// Running one task with its accounting, on whatever thread calls executeTask().
#pragma once

#include <cstdint>
#include <string>

#include "kernels/kernels.h"
#include "runtime/cancel.h"
#include "runtime/gil.h"
#include "runtime/reading.h"
#include "runtime/trace.h"

namespace gilscope::runtime {

// What one task did, measured on the thread that ran it.
// Invariants: startNs <= endNs; cpuNs <= endNs - startNs (one thread cannot use more CPU than wall
// time); queueNs = startNs - submitNs.
struct TaskRecord {
  kernels::KernelId kernel = kernels::KernelId::Noop;
  uint64_t result = 0;
  bool started = false;    // false: cancelled before it started, nothing ran
  bool cancelled = false;  // cancelled before or while running; result is then meaningless
  int64_t threadId = 0;    // OS tid
  uint64_t submitNs = 0;   // CLOCK_MONOTONIC
  uint64_t startNs = 0;
  uint64_t endNs = 0;
  uint64_t cpuNs = 0;
  uint64_t userUs = 0;
  uint64_t systemUs = 0;
  int64_t voluntarySwitches = 0;
  int64_t involuntarySwitches = 0;
  int64_t runQueueNs = -1;  // -1: no schedstat on this OS
  LockStats lock;
  std::string error;  // non-empty when the kernel threw (e.g. allocation failure)
  TraceBuffer trace;  // events, when tracing was asked for (else disabled and empty)
};

// Runs call on the calling thread and measures it. Never throws: a kernel exception lands in
// record.error. With gil != nullptr the kernel's compute holds the emulated lock and its blocking
// phases release it. traceCapacity > 0 records up to that many events in record.trace.
// The call's arguments must already be in range: the bindings check them as they unpack them
// (bindings toCall); nothing here checks again.
TaskRecord executeTask(const kernels::Call& call, CancelToken& token, uint64_t submitNs, const GilUse* gil,
                       size_t traceCapacity = 0);

// executeTask without tracing, between a reading given and one it takes: `start` may be the end
// reading of the task this thread ran just before (one reading shared as the end of one task and
// the start of the next), and `end` receives this task's end reading, to be shared in turn. A task
// cancelled before it started takes no reading: `end` is then `start`.
TaskRecord executeBetween(const kernels::Call& call, CancelToken& token, uint64_t submitNs, const GilUse* gil,
                          const Reading& start, Reading& end);

}  // namespace gilscope::runtime
