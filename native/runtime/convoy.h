// The convoy probe of Beazley's experiment: what the emulated GIL does to a thread that mostly waits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "runtime/cancel.h"
#include "runtime/gil.h"
#include "runtime/trace.h"

namespace gilscope::runtime {

// A thread that, until stopped, takes the lock, does workUs of CPU work, releases it, then blocks
// for waitUs (its "I/O"). Each round's latency is the time from wanting the lock to finishing the
// work: short when the lock is free, long when CPU-bound holders make it wait. Destroying the probe
// stops it (bounded: about 1 ms).
class ConvoyProbe {
 public:
  // Starts the probe thread on gil. traceCapacity > 0 records the probe's lock events (see trace()).
  ConvoyProbe(std::shared_ptr<Gil> gil, uint64_t switchIntervalUs, uint64_t workUs, uint64_t waitUs,
              size_t traceCapacity = 0);
  // Stops the thread if stop() was not called.
  ~ConvoyProbe();
  ConvoyProbe(const ConvoyProbe&) = delete;
  ConvoyProbe& operator=(const ConvoyProbe&) = delete;

  // Stops the thread (idempotent) and returns the latency of every completed round, in ns.
  std::vector<uint64_t> stop();

  // The probe thread's events; read only after stop().
  const TraceBuffer& trace() const { return trace_; }
  // The probe thread's OS tid; read only after stop().
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

}  // namespace gilscope::runtime
