// The emulated interpreter lock, following CPython 3.2+ (Python/ceval_gil.c, take_gil/drop_gil),
// on the same OS primitives CPython waits on (a mutex and a condition variable, pthread's on Linux):
//  - a thread that wants the lock waits on the lock's condition in timed waits of one switch
//    interval each, counted from entering the wait; if one expires (the OS says ETIMEDOUT, as for
//    CPython's PyCOND_TIMEDWAIT; runtime/os_cond.h) with the lock still held and no switch
//    meanwhile, it sets the drop request, then waits again;
//  - a release signals the condition (pthread_cond_signal) and one waiter wakes. Which one is the
//    OS's choice, and part of what CPython does: glibc's condition variable wakes, roughly, the
//    waiter in the oldest group, but a waiter that is only on its way into the wait when the signal
//    comes (the one that has just set the drop request, while the holder answers it within a few
//    microseconds) can take the signal first. On a machine whose syscalls are slow that is common
//    (tools/gil-replica.c, a C copy of take_gil/drop_gil, on this project's 2-core VM, glibc 2.36:
//    the thread that set the request took the lock at 38-64% of drops, beside an I/O thread), and
//    the I/O thread then often waits more than one interval; on a faster machine, rarely. An
//    explicit FIFO model of the condition variable matched the second kind of machine only, so the
//    emulation waits on the real thing and inherits whichever the machine is;
//  - the holder polls the drop request at its kernel checkpoints (every ~10 us of work at most;
//    spin: every ~130 ns, with hardly a system call between them, as the eval loop;
//    common/cpu_budget.h) and then releases and re-requests the lock;
//  - with forced switching, a holder releasing because of a drop request waits until another thread
//    has actually taken the lock, so it cannot grab it straight back; without it, the releaser
//    usually wins again (the pre-3.2 "GIL battle");
//  - an arrival that finds the lock held and nobody waiting watches it for up to 3 us before it
//    waits (not CPython's: it spares short holds a sleep and a wake-up; see spinForRelease);
//  - blocking phases release the lock (as CPython does around I/O) without the forced-switch wait
//    (not CPython 3.11's: its drop_gil waits there too while a drop request is pending; made so, it
//    moved no figure the bench compares with CPython beyond run-to-run noise, so it stays simple).
// Simplified: switch_cond waits under the lock's own mutex (CPython has a second one). Cancelling a
// task's token wakes every waiter (each looks at its token; the others wait again, as CPython's
// loop does after a spurious wake-up); no wait is sliced or polled.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "kernels/kernels.h"
#include "runtime/cancel.h"
#include "runtime/os_cond.h"
#include "runtime/trace.h"

namespace gilscope::runtime {

// One task's (or the convoy probe's) use of the emulated GIL; all zero outside gil mode.
struct LockStats {
  uint64_t waitNs = 0;        // time spent waiting to acquire
  uint64_t holdNs = 0;        // time spent holding
  uint64_t acquisitions = 0;  // times acquired
  uint64_t dropRequests = 0;  // drop requests this task set while waiting
};

class Gil final : public CancelToken::Waker {
 public:
  // How long an arrival watches a held lock that nobody waits for before it waits on the condition.
  static constexpr uint64_t kArrivalSpinNs = 3'000;

  // Blocks until the calling task holds the lock. Returns false (lock not held) when token is
  // cancelled while waiting. `who` identifies the task: an id from newHolderId(), never 0.
  // A probe (the convoy probe) takes part in the protocol like any thread, but its acquisitions
  // are not counted as hand-offs between tasks.
  bool acquire(uint64_t who, uint64_t switchIntervalUs, CancelToken& token, LockStats& stats, TraceBuffer& trace,
               bool probe = false);

  // Releases the lock, which `who` must hold. With forcedWait (a release requested by a drop
  // request under forced switching) waits until another task has taken it, or until nobody is
  // waiting any more, or token is cancelled. finished: this is the holder's last release (its task
  // ends), so the next acquisition is not a hand-off: nothing was taken from a task that needed it.
  void release(uint64_t who, bool forcedWait, CancelToken& token, LockStats& stats, TraceBuffer& trace,
               bool finished = false);

  // A fresh holder id (unique for this lock's lifetime).
  uint64_t newHolderId() { return nextId_.fetch_add(1, std::memory_order_relaxed); }

  // Threads now waiting to acquire (for tests and diagnostics).
  int waiting() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return waiters_;
  }

  // Cheap poll for the holder's checkpoints.
  bool dropRequested() const { return dropRequest_.load(std::memory_order_relaxed); }

  struct Counters {
    uint64_t acquisitions = 0;  // every successful acquire, probes included
    // Task acquisitions by a task other than the previous task holder, when that holder's release
    // was not its last.
    uint64_t handoffs = 0;
    uint64_t dropRequests = 0;
    uint64_t holdNs = 0;  // total time held (completed holds)
  };
  Counters counters() const;

  // Wakes every thread waiting on this lock so that a cancelled one sees it (CancelToken::cancel).
  void wakeForCancel() override;

 private:
  // An arrival's short watch of a held lock with nobody queued (see gil.cc); returns with lock held.
  void spinForRelease(std::unique_lock<std::mutex>& lock);

  // One timed wait of take_gil's loop; returns true when it timed out (not woken, not cancelled).
  bool timedWait(std::unique_lock<std::mutex>& lock, uint64_t intervalNs, const CancelToken& token);

  mutable std::mutex mutex_;
  OsCond cond_;                       // gil->cond: the threads waiting for the lock
  std::condition_variable switched_;  // gil->switch_cond: signalled when the lock is taken
  // gil->locked: written under mutex_; atomic so that spinForRelease can watch it without the mutex.
  std::atomic<bool> locked_{false};
  uint64_t lastHolder_ = 0;      // gil->last_holder: forced switching compares against any holder
  uint64_t lastTaskHolder_ = 0;  // hand-offs are counted between tasks only
  std::atomic<uint64_t> nextId_{1};
  uint64_t switchNumber_ = 0;  // gil->switch_number: counts changes of holder
  uint64_t acquiredNs_ = 0;
  int waiters_ = 0;
  std::atomic<bool> dropRequest_{false};
  Counters counters_;
};

// How a task uses a Gil: which lock and its switching rules.
struct GilUse {
  Gil* gil = nullptr;
  uint64_t switchIntervalUs = 5000;
  bool forcedSwitching = true;
};

// Runs call holding use.gil for its compute; blocking phases release it. Returns the kernel result
// (0 when cancelled). Accumulates into stats, records lock events into trace. The lock is never
// held on return.
uint64_t runUnderGil(const kernels::Call& call, CancelToken& token, const GilUse& use, LockStats& stats,
                     TraceBuffer& trace);

}  // namespace gilscope::runtime
