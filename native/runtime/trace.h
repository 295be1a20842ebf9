// Event recording for timelines. Each task records into its own bounded buffer, allocated before
// the task starts: recording takes no lock and allocates nothing; when the buffer is full, events
// are counted as dropped, never silently lost. Timestamps are CLOCK_MONOTONIC, as in the reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

#include "common/clock.h"

namespace gilscope::runtime {

// The code of each event in a trace, as JS receives it. A new kind takes the next code, goes last,
// and gets its name in kEventKindNames (the static_assert below counts them).
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

// How many kinds there are: codes run from 0 to kEventKinds - 1.
constexpr size_t kEventKinds = static_cast<size_t>(EventKind::LockWaitCancelled) + 1;

// Each kind's name, indexed by its code (kebab-case; what eventKinds() gives JS to decode traces).
inline constexpr const char* kEventKindNames[] = {
    "task-start",           // TaskStart
    "task-end",             // TaskEnd
    "lock-wait-start",      // LockWaitStart
    "lock-acquired",        // LockAcquired
    "lock-released",        // LockReleased
    "drop-request-set",     // DropRequestSet
    "drop-request-seen",    // DropRequestSeen
    "block-start",          // BlockStart
    "block-end",            // BlockEnd
    "lock-wait-cancelled",  // LockWaitCancelled
};
static_assert(std::size(kEventKindNames) == kEventKinds, "one name per EventKind, in code order");

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
      events_.push_back(Event{common::monotonicNs(), kind});  // never reallocates: size < capacity
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
