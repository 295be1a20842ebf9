// Which waiter a condition-variable signal wakes: a model of glibc's pthread_cond_t (2.25+), the
// part of CPython's GIL behaviour that comes from the OS rather than from Python/ceval_gil.c.
//
// drop_gil() does COND_SIGNAL(gil->cond) = pthread_cond_signal, which wakes one waiter. glibc splits
// waiters into two groups: G1, those already waiting when the last signal arrived, and G2, those
// that came later; a signal goes to G1, and G2 becomes G1 only once G1 is empty. A waiter whose
// COND_TIMED_WAIT expires leaves its group and, back in take_gil()'s loop, waits again as a new
// arrival. So the woken waiter is, roughly, the one that has been blocked longest since it last
// (re-)entered the wait: FIFO by (re-)entry time. This is what decides who gets the GIL at a drop
// (e.g. a freshly arrived I/O thread ahead of a CPU-bound thread whose timed wait just expired).
//
// The model: an explicit queue ordered by (re-)entry; signalOne() wakes the front. Each waiter
// blocks on its own std::condition_variable, so waking it, or waking it again to look at its
// cancellation, never changes its place: only enter() does. Every call is made with the owning
// lock's mutex held.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <vector>

namespace gilscope::runtime {

// One thread blocked in a modelled timed wait.
struct CondWaiter {
  std::condition_variable cv;
  bool signalled = false;  // set by signalOne(): this waiter consumed a signal
};

class CondQueue {
 public:
  // The waiter (re-)enters the wait: it goes to the back, as a new arrival, unsignalled.
  void enter(CondWaiter& w) {
    w.signalled = false;
    waiters_.push_back(&w);
  }

  // The waiter stops waiting (its timed wait expired, or it was cancelled). No-op when a signal
  // already took it off the queue.
  void leave(CondWaiter& w) {
    const auto it = std::find(waiters_.begin(), waiters_.end(), &w);
    if (it != waiters_.end()) waiters_.erase(it);
  }

  // pthread_cond_signal: wakes the waiter that (re-)entered the wait longest ago. Returns false
  // (and does nothing, as a signal with no waiter is lost) when nobody waits.
  bool signalOne() {
    if (waiters_.empty()) return false;
    CondWaiter* w = waiters_.front();
    waiters_.erase(waiters_.begin());
    w->signalled = true;
    w->cv.notify_one();
    return true;
  }

  // Wakes every waiter without signalling any (each re-checks its own state, e.g. cancellation,
  // and keeps its place if it goes on waiting).
  void wakeAll() {
    for (CondWaiter* w : waiters_) w->cv.notify_one();
  }

  size_t size() const { return waiters_.size(); }
  // The waiter the next signal wakes; nullptr when none.
  const CondWaiter* front() const { return waiters_.empty() ? nullptr : waiters_.front(); }

 private:
  std::vector<CondWaiter*> waiters_;  // front: the longest-waiting since (re-)entry
};

}  // namespace gilscope::runtime
