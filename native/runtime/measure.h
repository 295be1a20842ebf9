// Measurements the bench compares against that need no kernel: what starting a pool-like thread
// costs, and what recording one trace event costs. Plain C++ (no Node); each runs on the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace gilscope::runtime {

struct ThreadStartCost {
  uint64_t createNs = 0;  // from the pthread_create call to the new thread's first instruction
  int64_t rssBytes = 0;   // growth of resident memory while the thread is alive; 0 when unreadable
  std::string error;      // non-empty when the thread could not be created (the rest is then 0)
};

// Starts one thread as libuv starts its pool threads (uv_thread_create_ex is pthread_create with an
// 8 MiB stack on Linux; this calls pthread directly, so it needs no libuv), waits until it runs,
// samples resident memory, and joins it. A refused thread is no exception: it lands in error.
ThreadStartCost measureThreadStart();

struct TraceCost {
  double nsPerEvent = 0;     // one record() into an enabled buffer: a CLOCK_MONOTONIC read and a store
  double nsPerEventOff = 0;  // one record() into a disabled buffer
  std::string error;         // non-empty when the enabled buffer lost events (the figures then mean nothing)
};

// Records `events` events (>= 1) into a buffer with room for them all, then into a disabled one,
// and times each loop on CLOCK_MONOTONIC.
TraceCost measureTraceCost(size_t events);

}  // namespace gilscope::runtime
