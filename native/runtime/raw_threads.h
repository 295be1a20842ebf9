// Parallelism without Node in the way: raw threads started by the addon itself.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "kernels/kernels.h"
#include "runtime/cancel.h"
#include "runtime/gil.h"
#include "runtime/task.h"

namespace gilscope::runtime {

// Runs `tasks` copies of call, each on a std::thread started for this batch, and returns when all
// have ended, records in start order. submitNs of every record is the time before the first thread
// was created, so queueNs is each thread's start-up latency. Cancelling token stops them all.
std::vector<TaskRecord> runOnRawThreads(const kernels::Call& call, uint32_t tasks, CancelToken& token,
                                        size_t traceCapacity = 0);

// The convoy probe of Beazley's experiment: a thread that, until stopped, takes the lock, does
// workUs of CPU work, releases it, then blocks for waitUs (its "I/O"). Each round's latency is the
// time from wanting the lock to finishing the work: short when the lock is free, long when
// CPU-bound holders make it wait. Destroying the probe stops it (bounded: about 1 ms).
class ConvoyProbe {
 public:
  // traceCapacity > 0 records the probe's lock events (see trace()).
  ConvoyProbe(std::shared_ptr<Gil> gil, uint64_t switchIntervalUs, uint64_t workUs, uint64_t waitUs,
              size_t traceCapacity = 0);
  ~ConvoyProbe();
  ConvoyProbe(const ConvoyProbe&) = delete;
  ConvoyProbe& operator=(const ConvoyProbe&) = delete;

  // Stops the thread (idempotent) and returns the latency of every completed round, in ns.
  std::vector<uint64_t> stop();

  // The probe thread's events and OS tid; read only after stop().
  const TraceBuffer& trace() const { return trace_; }
  int64_t threadId() const { return threadId_; }

 private:
  void loop();

  std::shared_ptr<Gil> gil_;
  uint64_t switchIntervalUs_;
  uint64_t workUs_;
  uint64_t waitUs_;
  CancelToken token_;
  std::vector<uint64_t> latenciesNs_;  // written by the probe thread only until it is joined
  TraceBuffer trace_;                  // likewise
  int64_t threadId_ = 0;               // likewise
  std::thread thread_;
};

// Resident set size of this process in bytes (/proc/self/statm), or -1.
int64_t residentBytes();

}  // namespace gilscope::runtime
