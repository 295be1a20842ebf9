// Running n threads that start together: each new thread waits at a barrier until all n have
// reached it, and the last to arrive releases them all, so they really contend from their first
// instruction (the waiters are spinning, so on a free core they are already running).
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

#include "common/clock.h"

namespace gilscope::hazards {

// When the barrier released the threads and when the last one was joined (CLOCK_MONOTONIC).
struct Span {
  uint64_t startNs = 0;
  uint64_t endNs = 0;
};

// Runs body(i, startNs) on n new threads (i = 0..n-1); body must not throw. startNs is the moment
// the last thread reached the barrier. A waiting thread spins, yielding the CPU after a few thousand
// spins (there may be more threads than cores). Returns after every thread is joined. If creating a
// thread fails, the threads already waiting are released without calling body, joined, and the
// error is rethrown.
template <typename Body>
Span runTogether(uint32_t n, Body body) {
  enum : int { kWaiting = 0, kGo = 1, kAborted = 2 };
  std::atomic<uint32_t> arrived{0};
  std::atomic<int> state{kWaiting};
  std::atomic<uint64_t> startNs{0};
  std::vector<std::thread> threads;
  threads.reserve(n);
  auto joinAll = [&threads] {
    for (std::thread& t : threads) t.join();
  };
  try {
    for (uint32_t i = 0; i < n; ++i) {
      threads.emplace_back([&arrived, &state, &startNs, &body, n, i] {
        if (arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == n) {
          startNs.store(common::monotonicNs(), std::memory_order_relaxed);
          state.store(kGo, std::memory_order_release);
        } else {
          for (uint32_t spins = 0; state.load(std::memory_order_acquire) == kWaiting; ++spins) {
            if (spins >= 4096) std::this_thread::yield();
          }
        }
        if (state.load(std::memory_order_acquire) == kGo) body(i, startNs.load(std::memory_order_relaxed));
      });
    }
  } catch (...) {
    state.store(kAborted, std::memory_order_release);  // fewer than n arrive: nobody can set kGo
    joinAll();
    throw;
  }
  joinAll();
  Span span;
  span.startNs = startNs.load();
  span.endNs = common::monotonicNs();
  return span;
}

}  // namespace gilscope::hazards
