// The only thing a kernel knows about whoever runs it.
#pragma once

#include <cstdint>

namespace gilscope::kernels {

class Context {
 public:
  virtual ~Context() = default;

  // Cooperative checkpoint; kernels call it at least every ~10 us of work. Returns false when the
  // task has been cancelled: the kernel then returns promptly and its result is discarded.
  // Under the emulated GIL this is where a pending drop request is honoured (it may block there).
  virtual bool checkpoint() = 0;

  // Blocks for us microseconds without using CPU: the stand-in for I/O. Returns false when the task
  // was cancelled meanwhile (noticed within about a millisecond). Under the emulated GIL the lock is
  // released for the duration, as CPython releases the GIL around blocking I/O.
  virtual bool block(uint64_t us) = 0;
};

// Runs with no cancellation and no lock: for native unit tests and the raw benchmarks.
class FreeContext final : public Context {
 public:
  bool checkpoint() override { return true; }
  bool block(uint64_t us) override;
};

}  // namespace gilscope::kernels
