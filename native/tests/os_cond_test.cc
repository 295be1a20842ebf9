// The emulated GIL's condition variable reports a timeout as CPython's PyCOND_TIMEDWAIT does: only
// when the OS's timed wait expired (ETIMEDOUT), not whenever the clock is past the deadline on
// return (libstdc++'s std::condition_variable::wait_until rule; runtime/os_cond.h says why).
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "runtime/os_cond.h"

namespace gilscope::runtime {
namespace {

constexpr uint64_t kMs = 1'000'000;

TEST(OsCond, AnUnsignalledWaitTimesOutAtItsDeadline) {
  std::mutex m;
  OsCond cond;
  std::unique_lock<std::mutex> lock(m);
  const uint64_t deadline = common::monotonicNs() + 20 * kMs;
  bool timedOut = false;
  // A spurious wake-up (allowed by POSIX) returns early and not timed out: wait again.
  while (!(timedOut = cond.waitUntil(lock, deadline)) && common::monotonicNs() < deadline) {
  }
  EXPECT_TRUE(timedOut);
  EXPECT_GE(common::monotonicNs(), deadline);
  EXPECT_TRUE(lock.owns_lock());
}

TEST(OsCond, ASignalIsNotATimeoutEvenWhenTheWaiterRunsAfterTheDeadline) {
  std::mutex m;
  OsCond cond;
  bool waiting = false;
  bool signalled = false;
  uint64_t deadline = 0;
  std::thread signaller([&] {
    for (;;) {
      std::unique_lock<std::mutex> lock(m);  // held: the waiter is inside its wait (or not there yet)
      if (!waiting) {
        lock.unlock();
        std::this_thread::yield();
        continue;
      }
      signalled = true;
      cond.notifyOne();
      // Keep the mutex past the waiter's deadline: it was signalled in time but returns after it.
      while (common::monotonicNs() < deadline + 30 * kMs) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return;
    }
  });
  std::unique_lock<std::mutex> lock(m);
  waiting = true;
  deadline = common::monotonicNs() + 100 * kMs;
  bool timedOut = false;
  while (!signalled && !(timedOut = cond.waitUntil(lock, deadline))) {
  }  // (a spurious wake-up waits again)
  const uint64_t returnedNs = common::monotonicNs();
  lock.unlock();
  signaller.join();
  EXPECT_GE(returnedNs, deadline) << "the waiter came back before its deadline";
  EXPECT_FALSE(timedOut) << "a signalled wait that returned after its deadline was called a timeout";
}

}  // namespace
}  // namespace gilscope::runtime
