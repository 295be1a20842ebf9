// Running n threads that start together: every thread is created first and waits at a start gate,
// then the gate opens for all at once, so they really contend from their first instruction.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

#include "runtime/clocks.h"

namespace gilscope::runtime::hazards {

// When the gate opened and when the last thread was joined (CLOCK_MONOTONIC).
struct Span {
  uint64_t startNs = 0;
  uint64_t endNs = 0;
};

// Runs body(i, startNs) on n new threads (i = 0..n-1); body must not throw. The threads spin (yielding the CPU) at the
// gate until all n exist; startNs is the moment the gate opened. Returns after every thread is
// joined. If creating a thread fails, the gate opens as aborted (the threads already created return
// without calling body), they are joined, and the error is rethrown.
template <typename Body>
Span runTogether(uint32_t n, Body body) {
  enum : int { kClosed = 0, kOpen = 1, kAborted = 2 };
  std::atomic<int> gate{kClosed};
  std::atomic<uint64_t> startNs{0};
  std::vector<std::thread> threads;
  threads.reserve(n);
  auto joinAll = [&threads] {
    for (std::thread& t : threads) t.join();
  };
  try {
    for (uint32_t i = 0; i < n; ++i) {
      threads.emplace_back([&gate, &startNs, &body, i] {
        int g;
        while ((g = gate.load(std::memory_order_acquire)) == kClosed) std::this_thread::yield();
        if (g == kOpen) body(i, startNs.load(std::memory_order_relaxed));
      });
    }
  } catch (...) {
    gate.store(kAborted, std::memory_order_release);
    joinAll();
    throw;
  }
  Span span;
  span.startNs = monotonicNs();
  startNs.store(span.startNs, std::memory_order_relaxed);
  gate.store(kOpen, std::memory_order_release);
  joinAll();
  span.endNs = monotonicNs();
  return span;
}

}  // namespace gilscope::runtime::hazards
