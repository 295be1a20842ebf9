// Which waiter gets the emulated GIL at a drop. The lock waits on the OS's condition variable, as
// CPython's take_gil does (runtime/gil.h), so these are glibc's pthread_cond_t rules seen through
// the lock: with nobody racing into the wait, a release wakes the waiter that (re-)entered its wait
// longest ago; a waiter whose timed wait expired waits again as a new arrival, behind one that came
// meanwhile (the convoy with two CPU-bound threads, as CPython shows it on a fast machine).
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "helpers.h"
#include "runtime/cancel.h"
#include "runtime/gil.h"
#include "runtime/trace.h"

namespace gilscope::runtime {
namespace {

using tests::burnCpuUs;
using tests::kHangGuardNs;
using tests::waitUntil;

struct Party {
  explicit Party(Gil& gil) : id(gil.newHolderId()) {}
  uint64_t id;
  CancelToken token;
  LockStats stats;
  TraceBuffer trace;
};

// A holds; B (CPU-bound) starts waiting; later P (the I/O thread) starts waiting. B's timed wait
// expires first: it sets the drop request and waits again, now behind P, so the drop hands the lock
// to P, not to B. A scheduling hiccup (P's own wait expiring before A drops) can spoil one round on
// a loaded machine, so the rule must hold in at least one of a few rounds; it holds in every round
// on a quiet one. (Intervals here are long so that only a stall of tens of ms can spoil a round.)
TEST(GilConvoy, AFreshWaiterGoesBeforeAWaiterWhoseWaitExpired) {
  constexpr uint64_t kIntervalUs = 60'000;
  int probeFirst = 0;
  for (int round = 0; round < 5 && probeFirst == 0; ++round) {
    Gil gil;
    Party a(gil), b(gil), p(gil);
    ASSERT_TRUE(gil.acquire(a.id, kIntervalUs, a.token, a.stats, a.trace));
    std::mutex orderMutex;
    std::vector<uint64_t> order;
    auto waitFor = [&](Party& who, bool probe) {
      EXPECT_TRUE(gil.acquire(who.id, kIntervalUs, who.token, who.stats, who.trace, probe));
      {
        std::lock_guard<std::mutex> g(orderMutex);
        order.push_back(who.id);
      }
      burnCpuUs(50);
      gil.release(who.id, false, who.token, who.stats, who.trace, true);
    };
    std::thread tb(waitFor, std::ref(b), false);
    ASSERT_TRUE(waitUntil([&] { return gil.waiting() == 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::thread tp(waitFor, std::ref(p), true);
    ASSERT_TRUE(waitUntil([&] { return gil.waiting() == 2; }));
    ASSERT_TRUE(waitUntil([&] { return gil.dropRequested(); }));
    gil.release(a.id, /*forcedWait=*/true, a.token, a.stats, a.trace, true);
    tb.join();
    tp.join();
    ASSERT_EQ(order.size(), 2u);
    EXPECT_EQ(b.stats.dropRequests, 1u);
    if (order[0] == p.id) ++probeFirst;
  }
  EXPECT_EQ(probeFirst, 1) << "the fresh waiter never went before the CPU-bound one whose wait expired";
}

// Without any timed wait expiring, a release goes to the thread that has waited longest: B, which
// began waiting before P. (With waits sliced into 1 ms re-entries, the old emulation woke whichever
// had re-entered its slice first: about half the time P.) Only a stall of over 190 ms (P's wait
// expiring before B runs) can change the order, so one round in eight may differ.
TEST(GilConvoy, AReleaseWakesTheLongestWaiter) {
  constexpr uint64_t kIntervalUs = 200'000;
  constexpr int kRounds = 8;
  int longestFirst = 0;
  for (int round = 0; round < kRounds; ++round) {
    Gil gil;
    Party a(gil), b(gil), p(gil);
    ASSERT_TRUE(gil.acquire(a.id, kIntervalUs, a.token, a.stats, a.trace));
    std::mutex orderMutex;
    std::vector<uint64_t> order;
    auto waitFor = [&](Party& who) {
      EXPECT_TRUE(gil.acquire(who.id, kIntervalUs, who.token, who.stats, who.trace));
      {
        std::lock_guard<std::mutex> g(orderMutex);
        order.push_back(who.id);
      }
      gil.release(who.id, false, who.token, who.stats, who.trace, true);
    };
    std::thread tb(waitFor, std::ref(b));
    ASSERT_TRUE(waitUntil([&] { return gil.waiting() == 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::thread tp(waitFor, std::ref(p));
    ASSERT_TRUE(waitUntil([&] { return gil.waiting() == 2; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    gil.release(a.id, false, a.token, a.stats, a.trace, true);
    tb.join();
    tp.join();
    ASSERT_EQ(order.size(), 2u);
    if (order[0] == b.id) ++longestFirst;
  }
  EXPECT_GE(longestFirst, kRounds - 1) << "the longest waiter went first in only " << longestFirst << " of " << kRounds;
}

// The lock passes through the I/O thread without being lost to the releaser: A holds; B's timed
// wait expires (drop request, B waits again behind P, who arrived meanwhile); A drops and P takes
// it; A asks again while P holds it, behind B. P's release then goes to B, not back to A: CPU-bound
// threads still hand over once per interval with an I/O thread beside them. (The sliced waits woke
// whichever re-entered its slice first, so A often took the lock back and B waited a further
// interval.) A stall of tens of ms can spoil a round on a loaded machine: one in eight may differ.
TEST(GilConvoy, TheReleaseAfterTheIoThreadGoesToTheWaiterThatAskedFirst) {
  constexpr uint64_t kIntervalUs = 100'000;
  constexpr int kRounds = 8;
  int waiterBeforeReleaser = 0;
  for (int round = 0; round < kRounds; ++round) {
    Gil gil;
    Party a(gil), b(gil), p(gil);
    ASSERT_TRUE(gil.acquire(a.id, kIntervalUs, a.token, a.stats, a.trace));
    std::mutex orderMutex;
    std::vector<uint64_t> order;
    auto take = [&](Party& who, bool probe, uint64_t holdUs) {
      EXPECT_TRUE(gil.acquire(who.id, kIntervalUs, who.token, who.stats, who.trace, probe));
      {
        std::lock_guard<std::mutex> g(orderMutex);
        order.push_back(who.id);
      }
      burnCpuUs(holdUs);
      gil.release(who.id, false, who.token, who.stats, who.trace, true);
    };
    std::thread tb(take, std::ref(b), false, 50);
    ASSERT_TRUE(waitUntil([&] { return gil.waiting() == 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::thread tp(take, std::ref(p), true, 10'000);
    ASSERT_TRUE(waitUntil([&] { return gil.waiting() == 2; }));
    ASSERT_TRUE(waitUntil([&] { return gil.dropRequested(); }));
    gil.release(a.id, /*forcedWait=*/true, a.token, a.stats, a.trace);  // returns once P has it
    take(a, false, 50);
    tb.join();
    tp.join();
    ASSERT_EQ(order.size(), 3u);
    if (order[0] == p.id && order[1] == b.id) ++waiterBeforeReleaser;
  }
  EXPECT_GE(waiterBeforeReleaser, kRounds - 1)
      << "after the I/O thread the lock went to the waiter in only " << waiterBeforeReleaser << " of " << kRounds;
}

// Cancelling a waiter wakes it at once (no polling), even with a one-second interval; the other
// waiter, woken too, waits again (as after a spurious wake-up) and gets the lock at the next release
// without having set a drop request.
TEST(GilConvoy, CancelWakesAWaiterAndTheOtherStillGetsTheLock) {
  Gil gil;
  Party holder(gil), first(gil), second(gil);
  ASSERT_TRUE(gil.acquire(holder.id, 1'000'000, holder.token, holder.stats, holder.trace));
  std::atomic<int> firstResult{-1};
  std::atomic<uint64_t> secondGotNs{0};
  std::thread t1(
      [&] { firstResult = gil.acquire(first.id, 1'000'000, first.token, first.stats, first.trace) ? 1 : 0; });
  ASSERT_TRUE(waitUntil([&] { return gil.waiting() == 1; }));
  std::thread t2([&] {
    EXPECT_TRUE(gil.acquire(second.id, 1'000'000, second.token, second.stats, second.trace));
    secondGotNs = common::monotonicNs();
    gil.release(second.id, false, second.token, second.stats, second.trace, true);
  });
  ASSERT_TRUE(waitUntil([&] { return gil.waiting() == 2; }));
  const uint64_t cancelNs = common::monotonicNs();
  first.token.cancel();
  ASSERT_TRUE(waitUntil([&] { return firstResult.load() != -1; }));
  EXPECT_LT(common::monotonicNs() - cancelNs, kHangGuardNs);
  EXPECT_EQ(firstResult.load(), 0);
  t1.join();
  EXPECT_EQ(gil.waiting(), 1);
  gil.release(holder.id, false, holder.token, holder.stats, holder.trace, true);
  t2.join();
  EXPECT_NE(secondGotNs.load(), 0u);
  EXPECT_EQ(second.stats.dropRequests, 0u);
}

// A releaser whose task is cancelled does not wait for the switch (forced switching).
TEST(GilConvoy, ACancelledReleaserDoesNotWaitForTheSwitch) {
  Gil gil;
  Party holder(gil), waiter(gil);
  ASSERT_TRUE(gil.acquire(holder.id, 1000, holder.token, holder.stats, holder.trace));
  std::thread w([&] {
    EXPECT_TRUE(gil.acquire(waiter.id, 1000, waiter.token, waiter.stats, waiter.trace));
    gil.release(waiter.id, false, waiter.token, waiter.stats, waiter.trace, true);
  });
  ASSERT_TRUE(waitUntil([&] { return gil.dropRequested(); }));
  holder.token.cancel();
  const uint64_t t0 = common::monotonicNs();
  gil.release(holder.id, /*forcedWait=*/true, holder.token, holder.stats, holder.trace);
  EXPECT_LT(common::monotonicNs() - t0, kHangGuardNs);
  w.join();
  EXPECT_EQ(gil.counters().acquisitions, 2u);
}

}  // namespace
}  // namespace gilscope::runtime
