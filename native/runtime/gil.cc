#include "runtime/gil.h"

#include <algorithm>
#include <chrono>

#include "common/clock.h"
#include "runtime/block.h"

namespace gilscope::runtime {
namespace {

constexpr uint64_t kSliceNs = 1'000'000;  // longest single wait: bounds how late cancellation is seen

}  // namespace

bool Gil::acquire(uint64_t who, uint64_t switchIntervalUs, CancelToken& token, LockStats& stats, TraceBuffer& trace,
                  bool probe) {
  trace.record(EventKind::LockWaitStart);
  const uint64_t waitStartNs = common::monotonicNs();
  const uint64_t intervalNs = common::usToNs(switchIntervalUs);
  std::unique_lock<std::mutex> lock(mutex_);
  if (locked_) {
    ++waiters_;
    uint64_t intervalStartNs = waitStartNs;
    uint64_t savedSwitch = switchNumber_;
    while (locked_) {
      if (token.cancelled()) {
        --waiters_;
        stats.waitNs += common::monotonicNs() - waitStartNs;
        trace.record(EventKind::LockWaitCancelled);
        switched_.notify_all();  // a forced releaser may be waiting for us
        return false;
      }
      const uint64_t now = common::monotonicNs();
      const uint64_t intervalEnd = intervalStartNs + intervalNs;
      if (now >= intervalEnd) {
        // Timed out: if no switch happened during the whole interval, ask the holder to drop.
        if (switchNumber_ == savedSwitch && !dropRequest_.load(std::memory_order_relaxed)) {
          dropRequest_.store(true, std::memory_order_relaxed);
          trace.record(EventKind::DropRequestSet);
          ++stats.dropRequests;
          ++counters_.dropRequests;
        }
        intervalStartNs = now;
        savedSwitch = switchNumber_;
        continue;
      }
      const uint64_t waitNs = std::min(intervalEnd - now, kSliceNs);
      released_.wait_for(lock, std::chrono::nanoseconds(waitNs));
    }
    --waiters_;
  }
  locked_ = true;
  if (!probe) {
    if (lastTaskHolder_ != 0 && lastTaskHolder_ != who) ++counters_.handoffs;
    lastTaskHolder_ = who;
  }
  lastHolder_ = who;
  ++switchNumber_;
  ++counters_.acquisitions;
  // The thread that takes the lock clears the pending drop request (as take_gil does).
  dropRequest_.store(false, std::memory_order_relaxed);
  acquiredNs_ = common::monotonicNs();
  trace.record(EventKind::LockAcquired);
  stats.waitNs += acquiredNs_ - waitStartNs;
  ++stats.acquisitions;
  switched_.notify_all();
  return true;
}

void Gil::release(uint64_t who, bool forcedWait, CancelToken& token, LockStats& stats, TraceBuffer& trace,
                  bool finished) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (finished && lastTaskHolder_ == who) lastTaskHolder_ = 0;
  trace.record(EventKind::LockReleased);
  const uint64_t held = common::monotonicNs() - acquiredNs_;
  stats.holdNs += held;
  counters_.holdNs += held;
  locked_ = false;
  released_.notify_one();
  if (!forcedWait) return;
  // Forced switching: do not come back for the lock until somebody else has had it.
  while (lastHolder_ == who && waiters_ > 0 && !token.cancelled()) {
    switched_.wait_for(lock, std::chrono::nanoseconds(kSliceNs));
  }
}

Gil::Counters Gil::counters() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counters_;
}

namespace {

class GilContext final : public kernels::Context {
 public:
  GilContext(CancelToken& token, const GilUse& use, LockStats& stats, TraceBuffer& trace)
      : token_(token), use_(use), stats_(stats), trace_(trace), id_(use.gil->newHolderId()) {}

  bool begin() { return held_ = use_.gil->acquire(id_, use_.switchIntervalUs, token_, stats_, trace_); }

  void end() {
    if (held_) use_.gil->release(id_, false, token_, stats_, trace_, /*finished=*/true);
    held_ = false;
  }

  bool checkpoint() override {
    if (token_.cancelled()) return false;
    if (use_.gil->dropRequested()) {
      // The eval loop's answer to a drop request: release, then ask again.
      trace_.record(EventKind::DropRequestSeen);
      use_.gil->release(id_, use_.forcedSwitching, token_, stats_, trace_);
      held_ = false;
      if (!begin()) return false;
    }
    return true;
  }

  bool block(uint64_t us) override {
    // Like Py_BEGIN_ALLOW_THREADS around blocking I/O.
    use_.gil->release(id_, false, token_, stats_, trace_);
    held_ = false;
    if (!blockTraced(token_, us, trace_)) return false;
    return begin();
  }

 private:
  CancelToken& token_;
  const GilUse& use_;
  LockStats& stats_;
  TraceBuffer& trace_;
  const uint64_t id_;
  bool held_ = false;
};

}  // namespace

uint64_t runUnderGil(const kernels::Call& call, CancelToken& token, const GilUse& use, LockStats& stats,
                     TraceBuffer& trace) {
  GilContext ctx(token, use, stats, trace);
  if (!ctx.begin()) return 0;
  uint64_t result = 0;
  try {
    result = kernels::run(call, ctx);
  } catch (...) {
    ctx.end();
    throw;
  }
  ctx.end();
  return result;
}

}  // namespace gilscope::runtime
