// The emulated GIL's condition variable, as CPython's PyCOND_T on POSIX (Python/condvar.h,
// Python/thread_pthread.h): a pthread_cond_t on CLOCK_MONOTONIC whose timed wait reports a timeout
// only when the OS says so (pthread_cond_timedwait returned ETIMEDOUT).
//
// Not std::condition_variable, on purpose: libstdc++'s wait_until reports cv_status::timeout
// whenever the clock has passed the deadline on return, also for a waiter that a signal woke late.
// take_gil treats a timeout as the right to set the drop request, so that difference moves the
// convoy: measured on this project's 2-core VM (glibc 2.36, GCC 12), two CPU-bound threads beside
// the I/O thread at 5 ms, the same take_gil/drop_gil code gave the I/O thread a median round of
// 4.2-5.2 ms after its sleep in 10 of 16 runs with ETIMEDOUT and 9.3-40 ms in all 16 with
// libstdc++'s rule, in runs taken in turn (CPython 3.11 itself: about 4.2 ms; README).
#pragma once

#include <pthread.h>
#include <time.h>

#include <cerrno>
#include <cstdint>
#include <mutex>

namespace gilscope::runtime {

class OsCond {
 public:
  OsCond() {
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);  // as _PyThread_cond_init (condattr_monotonic)
    pthread_cond_init(&cond_, &attr);
    pthread_condattr_destroy(&attr);
  }
  ~OsCond() { pthread_cond_destroy(&cond_); }
  OsCond(const OsCond&) = delete;
  OsCond& operator=(const OsCond&) = delete;

  // Waits until signalled or until CLOCK_MONOTONIC reaches deadlineNs; lock must hold its mutex
  // (held again on return). True only when the OS reports that the wait timed out (ETIMEDOUT);
  // a signal, even one that arrives just before the deadline and runs the waiter after it, is not
  // a timeout, as for PyCOND_TIMEDWAIT.
  bool waitUntil(std::unique_lock<std::mutex>& lock, uint64_t deadlineNs) {
    timespec abs{};
    abs.tv_sec = static_cast<time_t>(deadlineNs / 1'000'000'000ull);
    abs.tv_nsec = static_cast<long>(deadlineNs % 1'000'000'000ull);
    return pthread_cond_timedwait(&cond_, lock.mutex()->native_handle(), &abs) == ETIMEDOUT;
  }

  void notifyOne() { pthread_cond_signal(&cond_); }
  void notifyAll() { pthread_cond_broadcast(&cond_); }

 private:
  pthread_cond_t cond_;
};

}  // namespace gilscope::runtime
