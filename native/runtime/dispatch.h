// The dispatcher: released and gil tasks of one environment, run by a few long-lived drainers on
// the libuv pool instead of one pool work item per task. Plain C++: the bindings give it the pool
// (they start drainers) and the wake-up of the JS thread (wake, thread-safe).
//
// Contract:
//  - submit() (JS thread) queues a group of `count` copies of one call; it says how many drainers
//    the caller must start, so that every unclaimed task has a drainer (a running or an idle one),
//    up to the pool size;
//  - drain() (pool thread) claims tasks one at a time and runs them; a drainer that finds nothing
//    spins up to kSpinNs for more, then parks up to kParkNs (submit() wakes it), then exits, so
//    that a flood of single submissions is not one pool round trip each; consecutive tasks on one drainer share a
//    reading (the end of one is the start of the next) unless the drainer waited or woke the JS thread in between;
//  - a finished group goes to the done list; the first one after takeDone() calls wake() once, so
//    one wake-up of the JS thread settles every group finished meanwhile (coalesced completions);
//  - takeDone() (JS thread) hands over the finished groups; the caller owns and deletes them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "runtime/cancel.h"
#include "runtime/gil.h"
#include "runtime/task.h"

namespace gilscope::runtime {

struct Group;
// Writes task `index`'s record into g's rows (the layout is the bindings': record_layout.h).
using WriteRow = void (*)(const TaskRecord& r, Group& g, uint32_t index);

// Copies of one call, submitted together: a single run() (count 1) or a batch.
struct Group {
  kernels::Call call;
  std::optional<GilUse> gil;
  std::shared_ptr<Gil> gilOwner;  // keeps gil->gil alive while tasks run
  CancelToken token;
  uint64_t submitNs = 0;
  double tag = 0;  // JS's name for it
  uint32_t count = 1;
  double* rows = nullptr;  // the rows WriteRow fills, one per task: inlineRow, or the bindings' (owner)
  static constexpr size_t kInlineRow = 24;
  double inlineRow[kInlineRow] = {};  // a single task's row (count 1), without an allocation of its own
  void* owner = nullptr;              // the bindings' handle on rows (JS thread only)
  // Set under the dispatcher's lock.
  uint32_t next = 0;      // next unclaimed index
  uint32_t finished = 0;  // tasks done
  int64_t errorIndex = -1;
  std::string error;  // the first task's error, if any threw
  Group* prevLive = nullptr;
  Group* nextLive = nullptr;
};

class Dispatcher {
 public:
  using Wake = void (*)(void* ctx);
  static constexpr uint64_t kSpinNs = 20'000;
  static constexpr uint64_t kParkNs = 500'000;  // then parked this long before the drainer exits

  Dispatcher(size_t maxDrainers, Wake wake, WriteRow writeRow, void* ctx)
      : maxDrainers_(maxDrainers == 0 ? 1 : maxDrainers), wake_(wake), writeRow_(writeRow), ctx_(ctx) {}

  // JS thread. Queues g (the dispatcher holds it until takeDone() returns it); returns how many
  // drainers the caller must start now.
  size_t submit(Group* g);
  // Pool thread: runs tasks until none came within kSpinNs and then kParkNs.
  void drain();
  // JS thread: the groups finished since the last call (the caller deletes them).
  std::vector<Group*> takeDone();
  // A drainer could not be started (the caller's pool refused it): forget it.
  void drainerLost();
  // Cancels the unfinished group named tag (if any); cancelAll() every unfinished group.
  void cancel(double tag);
  void cancelAll();
  // Groups not finished yet.
  size_t live();

  // What the dispatcher did since it was made (for tests and the bench; read under its lock).
  struct Counters {
    uint64_t tasks = 0;           // tasks finished
    uint64_t wakeups = 0;         // wake() calls: one per batch of settled groups, however many
    uint64_t drainers = 0;        // drainers started
    uint64_t sharedReadings = 0;  // tasks whose start reading was the previous task's end reading
  };
  Counters counters();

 private:
  struct Claim {
    Group* group = nullptr;
    uint32_t index = 0;
  };
  bool claim(Claim& c);
  bool claimLocked(Claim& c);  // under mutex_
  bool spinForWork();
  bool exitIfIdle();
  // Records the finished task and claims the next one into `next` (group nullptr: none); true when
  // this call woke the JS thread.
  bool finish(Group* g, uint32_t index, const TaskRecord& r, Claim& next);
  bool finishLocked(Group* g, uint32_t index, const TaskRecord& r);  // under mutex_

  const size_t maxDrainers_;
  const Wake wake_;
  const WriteRow writeRow_;
  void* const ctx_;
  std::mutex mutex_;
  std::deque<Group*> queue_;
  std::atomic<size_t> unclaimed_{0};  // written under mutex_; read outside it as a hint
  size_t drainers_ = 0;               // started and not yet exited
  size_t busy_ = 0;                   // drainers running a task
  size_t parked_ = 0;                 // drainers waiting on workCv_
  std::condition_variable workCv_;
  std::vector<Group*> done_;
  bool woken_ = false;  // wake() called since the last takeDone()
  Group* live_ = nullptr;
  size_t liveCount_ = 0;
  Counters counters_;  // sharedReadings aside: counted lock-free in sharedReadings_
  std::atomic<uint64_t> sharedReadings_{0};
};

}  // namespace gilscope::runtime
