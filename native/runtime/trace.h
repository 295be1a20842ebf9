// Event recording for timelines. Each task records into its own bounded buffer, allocated before
// the task starts: recording takes no lock and allocates nothing; when the buffer is full, events
// are counted as dropped, never silently lost. Timestamps are CLOCK_MONOTONIC, as in the reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/clocks.h"

namespace gilscope::runtime {

enum class EventKind : uint8_t {
  TaskStart = 0,
  TaskEnd = 1,
  LockWaitStart = 2,  // wants the emulated lock
  LockAcquired = 3,
  LockReleased = 4,
  DropRequestSet = 5,   // this waiter asked the holder to drop the lock
  DropRequestSeen = 6,  // this holder saw a drop request at a checkpoint
  BlockStart = 7,       // blocking phase (sleep / the wait half of mixed)
  BlockEnd = 8,
  LockWaitCancelled = 9,  // gave up waiting for the lock: the task was cancelled
};

struct Event {
  uint64_t ns;
  EventKind kind;
};

class TraceBuffer {
 public:
  TraceBuffer() = default;  // disabled: records nothing
  explicit TraceBuffer(size_t capacity) : enabled_(true) { events_.reserve(capacity); }

  bool enabled() const { return enabled_; }

  void record(EventKind kind) noexcept {
    if (!enabled_) return;
    if (events_.size() < events_.capacity()) {
      events_.push_back(Event{monotonicNs(), kind});  // never reallocates: size < capacity
    } else {
      ++dropped_;
    }
  }

  const std::vector<Event>& events() const { return events_; }
  uint64_t dropped() const { return dropped_; }

 private:
  bool enabled_ = false;
  std::vector<Event> events_;
  uint64_t dropped_ = 0;
};

}  // namespace gilscope::runtime
