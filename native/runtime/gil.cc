#include "runtime/gil.h"

#include <algorithm>
#include <chrono>

#include "common/clock.h"
#include "runtime/block.h"

namespace gilscope::runtime {
namespace {

// The longest single wait when the token has an external flag, which cannot wake a wait (only
// runSync's tokens have one, and held tasks never wait on the lock).
constexpr uint64_t kExternalSliceNs = 1'000'000;

// Registers the lock as the token's waker for the life of a wait (taken before the lock's mutex,
// released after it: the token's mutex always comes first).
class CancelWaking {
 public:
  CancelWaking(CancelToken& token, CancelToken::Waker& waker) : token_(token) { token_.setWaker(&waker); }
  ~CancelWaking() { token_.setWaker(nullptr); }
  CancelWaking(const CancelWaking&) = delete;
  CancelWaking& operator=(const CancelWaking&) = delete;

 private:
  CancelToken& token_;
};

}  // namespace

bool Gil::timedWait(std::unique_lock<std::mutex>& lock, uint64_t intervalNs, const CancelToken& token) {
  // take_gil: COND_TIMED_WAIT(gil->cond, gil->mutex, interval, timed_out): one timed wait on the
  // OS's condition variable (glibc's pthread_cond_t, as CPython's), its interval counted from
  // entering it, timed out only when the OS says so (see os_cond.h). Which waiter a signal wakes is
  // the OS's choice, as it is for CPython; a signal can also be taken by a waiter that has only just
  // entered (see the header).
  const uint64_t deadlineNs = common::monotonicNs() + intervalNs;
  if (token.cancelWakes()) return cond_.waitUntil(lock, deadlineNs) && !token.cancelled();
  // An external flag cannot wake the wait: wait in slices (each a new wait on the condition).
  for (;;) {
    const uint64_t untilNs = std::min(deadlineNs, common::monotonicNs() + kExternalSliceNs);
    const bool timedOut = cond_.waitUntil(lock, untilNs);
    if (!timedOut || token.cancelled()) return false;
    if (untilNs == deadlineNs) return true;
  }
}

void Gil::spinForRelease(std::unique_lock<std::mutex>& lock) {
  // Not in ceval_gil.c: an arrival that finds the lock held and nobody queued for it watches it
  // for up to kArrivalSpinNs before it waits on the condition (as glibc's adaptive mutexes spin
  // before they sleep). A hold of a few us then ends without a sleep and a wake-up, which cost more
  // than an empty task; a longer hold finds the arrival queued as before, kArrivalSpinNs late.
  // With someone queued already, the arrival queues behind them at once (take_gil's order).
  lock.unlock();
  const uint64_t until = common::monotonicNs() + kArrivalSpinNs;
  do {
    for (int i = 0; i < 32; ++i) {
      if (!locked_.load(std::memory_order_acquire)) break;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  } while (locked_.load(std::memory_order_acquire) && common::monotonicNs() < until);
  lock.lock();
}

bool Gil::acquire(uint64_t who, uint64_t switchIntervalUs, CancelToken& token, LockStats& stats, TraceBuffer& trace,
                  bool probe) {
  trace.record(EventKind::LockWaitStart);
  const uint64_t waitStartNs = common::monotonicNs();
  const uint64_t intervalNs = common::usToNs(std::max<uint64_t>(switchIntervalUs, 1));
  CancelWaking waking(token, *this);
  std::unique_lock<std::mutex> lock(mutex_);
  if (locked_ && waiters_ == 0) spinForRelease(lock);
  if (locked_) {
    ++waiters_;
    // take_gil: while (gil->locked) { saved_switchnum = gil->switch_number; timed wait; ... }
    while (locked_) {
      if (token.cancelled()) {
        --waiters_;
        // A signal this waiter may have consumed is passed on (else the lock could stay free
        // until someone's wait expires); a spare wake-up only makes a waiter look again.
        if (!locked_) cond_.notifyOne();
        stats.waitNs += common::monotonicNs() - waitStartNs;
        trace.record(EventKind::LockWaitCancelled);
        switched_.notify_all();  // a forced releaser may be waiting for us
        return false;
      }
      const uint64_t savedSwitch = switchNumber_;
      const bool timedOut = timedWait(lock, intervalNs, token);
      // take_gil: timed out, still locked and no switch meanwhile: SET_GIL_DROP_REQUEST. A woken
      // waiter that finds the lock taken again (the GIL battle, or another waiter was first) just
      // waits again, as does one woken spuriously or to look at its cancellation.
      // A request already pending is not set (nor counted) again.
      if (timedOut && locked_ && switchNumber_ == savedSwitch && !dropRequest_.load(std::memory_order_relaxed)) {
        dropRequest_.store(true, std::memory_order_relaxed);
        trace.record(EventKind::DropRequestSet);
        ++stats.dropRequests;
        ++counters_.dropRequests;
      }
    }
    --waiters_;
  }
  locked_.store(true, std::memory_order_release);
  if (!probe) {
    if (lastTaskHolder_ != 0 && lastTaskHolder_ != who) ++counters_.handoffs;
    lastTaskHolder_ = who;
  }
  // take_gil (_ready): a new holder bumps switch_number; the same one taking it back does not.
  if (lastHolder_ != who) ++switchNumber_;
  lastHolder_ = who;
  ++counters_.acquisitions;
  // take_gil: the thread that takes the lock clears the pending drop request (RESET_GIL_DROP_REQUEST).
  dropRequest_.store(false, std::memory_order_relaxed);
  acquiredNs_ = common::monotonicNs();
  trace.record(EventKind::LockAcquired);
  stats.waitNs += acquiredNs_ - waitStartNs;
  ++stats.acquisitions;
  switched_.notify_all();  // take_gil: COND_SIGNAL(gil->switch_cond) (FORCE_SWITCHING)
  return true;
}

void Gil::release(uint64_t who, bool forcedWait, CancelToken& token, LockStats& stats, TraceBuffer& trace,
                  bool finished) {
  CancelWaking waking(token, *this);
  std::unique_lock<std::mutex> lock(mutex_);
  if (finished && lastTaskHolder_ == who) lastTaskHolder_ = 0;
  trace.record(EventKind::LockReleased);
  const uint64_t held = common::monotonicNs() - acquiredNs_;
  stats.holdNs += held;
  counters_.holdNs += held;
  // drop_gil: gil->locked = 0; COND_SIGNAL(gil->cond), under gil->mutex: one waiter wakes.
  locked_.store(false, std::memory_order_release);
  cond_.notifyOne();
  if (!forcedWait) return;
  // drop_gil (FORCE_SWITCHING): released on a drop request and not switched yet: reset the request
  // and wait on switch_cond until another thread has taken the lock (or nobody waits any more: a
  // waiter that set the request was cancelled; or this task is).
  if (lastHolder_ != who) return;
  dropRequest_.store(false, std::memory_order_relaxed);
  const auto switched = [&] { return lastHolder_ != who || waiters_ == 0 || token.cancelled(); };
  if (token.cancelWakes()) {
    switched_.wait(lock, switched);
  } else {
    while (!switched()) switched_.wait_for(lock, std::chrono::nanoseconds(kExternalSliceNs));
  }
}

void Gil::wakeForCancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  cond_.notifyAll();
  switched_.notify_all();
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
