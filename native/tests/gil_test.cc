// The emulated GIL's rules, checked directly with std::threads: one holder at a time, the drop
// request after the switch interval, forced switching, bounded cancellation of a waiter, counters.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "helpers.h"
#include "runtime/cancel.h"
#include "runtime/gil.h"
#include "runtime/task.h"
#include "runtime/trace.h"

namespace gilscope::runtime {
namespace {

using common::monotonicNs;
using common::msToNs;
using tests::burnCpuUs;
using tests::kHangGuardNs;
using tests::waitUntil;

// One participant in a test: its id, token, stats and trace, as a task would have them.
struct Party {
  explicit Party(Gil& gil, size_t traceCapacity = 0) : id(gil.newHolderId()) {
    if (traceCapacity > 0) trace = TraceBuffer(traceCapacity);
  }
  uint64_t id;
  CancelToken token;
  LockStats stats;
  TraceBuffer trace;
};

TEST(Gil, HolderIdsAreUniqueAndNeverZero) {
  Gil gil;
  std::vector<uint64_t> ids;
  for (int i = 0; i < 100; ++i) ids.push_back(gil.newHolderId());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
  EXPECT_NE(ids.front(), 0u);
}

TEST(Gil, UncontendedAcquireAndReleaseCount) {
  Gil gil;
  Party a(gil, 16);
  ASSERT_TRUE(gil.acquire(a.id, 5000, a.token, a.stats, a.trace));
  burnCpuUs(200);
  gil.release(a.id, false, a.token, a.stats, a.trace, /*finished=*/true);
  const Gil::Counters c = gil.counters();
  EXPECT_EQ(c.acquisitions, 1u);
  EXPECT_EQ(c.handoffs, 0u);
  EXPECT_EQ(c.dropRequests, 0u);
  EXPECT_EQ(a.stats.acquisitions, 1u);
  EXPECT_EQ(a.stats.dropRequests, 0u);
  EXPECT_GT(a.stats.holdNs, 0u);
  EXPECT_EQ(c.holdNs, a.stats.holdNs);
  EXPECT_FALSE(gil.dropRequested());
  ASSERT_EQ(a.trace.events().size(), 3u);
  EXPECT_EQ(a.trace.events()[0].kind, EventKind::LockWaitStart);
  EXPECT_EQ(a.trace.events()[1].kind, EventKind::LockAcquired);
  EXPECT_EQ(a.trace.events()[2].kind, EventKind::LockReleased);
}

// Many threads hammer the lock; a counter of current holders must never exceed one.
TEST(Gil, HoldersAreMutuallyExclusive) {
  for (const bool forced : {true, false}) {
    Gil gil;
    constexpr int kThreads = 4;
    constexpr int kRounds = 150;
    std::atomic<int> inside{0};
    std::atomic<int> maxInside{0};
    std::vector<std::unique_ptr<Party>> parties;
    for (int t = 0; t < kThreads; ++t) parties.push_back(std::make_unique<Party>(gil));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Party& p = *parties[t];
        for (int r = 0; r < kRounds; ++r) {
          ASSERT_TRUE(gil.acquire(p.id, 50, p.token, p.stats, p.trace));
          const int now = inside.fetch_add(1) + 1;
          int seen = maxInside.load();
          while (now > seen && !maxInside.compare_exchange_weak(seen, now)) {
          }
          burnCpuUs(20);
          inside.fetch_sub(1);
          // Release as a holder answering a drop request would, or voluntarily.
          gil.release(p.id, forced && gil.dropRequested(), p.token, p.stats, p.trace, r == kRounds - 1);
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(maxInside.load(), 1) << (forced ? "forced" : "not forced");
    const Gil::Counters c = gil.counters();
    EXPECT_EQ(c.acquisitions, static_cast<uint64_t>(kThreads * kRounds));
    uint64_t holdNs = 0;
    uint64_t drops = 0;
    for (const auto& p : parties) {
      EXPECT_EQ(p->stats.acquisitions, static_cast<uint64_t>(kRounds));
      holdNs += p->stats.holdNs;
      drops += p->stats.dropRequests;
    }
    EXPECT_EQ(c.holdNs, holdNs);
    EXPECT_EQ(c.dropRequests, drops);
  }
}

// A waiter asks the holder to drop the lock only after a whole switch interval without a switch.
TEST(Gil, DropRequestComesAfterTheSwitchInterval) {
  constexpr uint64_t kIntervalUs = 20'000;
  Gil gil;
  Party holder(gil);
  Party waiter(gil, 64);
  ASSERT_TRUE(gil.acquire(holder.id, kIntervalUs, holder.token, holder.stats, holder.trace));
  std::atomic<uint64_t> waitCalledNs{0};
  std::thread w([&] {
    waitCalledNs = monotonicNs();
    EXPECT_TRUE(gil.acquire(waiter.id, kIntervalUs, waiter.token, waiter.stats, waiter.trace));
    gil.release(waiter.id, false, waiter.token, waiter.stats, waiter.trace, true);
  });
  // The holder polls as a kernel would at its checkpoints.
  ASSERT_TRUE(waitUntil([&] { return waitCalledNs.load() != 0; }));
  ASSERT_TRUE(waitUntil([&] { return gil.dropRequested(); })) << "no drop request within the hang guard";
  const uint64_t seenNs = monotonicNs();
  EXPECT_GE(seenNs - waitCalledNs.load(), kIntervalUs * 1000) << "drop request set before the interval elapsed";
  gil.release(holder.id, true, holder.token, holder.stats, holder.trace);
  w.join();
  EXPECT_EQ(waiter.stats.dropRequests, 1u);
  EXPECT_EQ(gil.counters().dropRequests, 1u);
  EXPECT_GE(waiter.stats.waitNs, kIntervalUs * 1000);
  // The waiter took the lock and cleared the request, as take_gil does.
  EXPECT_FALSE(gil.dropRequested());
  const auto& ev = waiter.trace.events();
  ASSERT_GE(ev.size(), 3u);
  EXPECT_EQ(ev[0].kind, EventKind::LockWaitStart);
  EXPECT_EQ(ev[1].kind, EventKind::DropRequestSet);
  EXPECT_EQ(ev[2].kind, EventKind::LockAcquired);
  EXPECT_GE(ev[1].ns - ev[0].ns, kIntervalUs * 1000);
}

TEST(Gil, NoDropRequestWhenTheHolderReleasesWithinTheInterval) {
  Gil gil;
  Party holder(gil);
  Party waiter(gil);
  ASSERT_TRUE(gil.acquire(holder.id, 1'000'000, holder.token, holder.stats, holder.trace));
  std::atomic<bool> got{false};
  std::thread w([&] {
    EXPECT_TRUE(gil.acquire(waiter.id, 1'000'000, waiter.token, waiter.stats, waiter.trace));
    got = true;
    gil.release(waiter.id, false, waiter.token, waiter.stats, waiter.trace, true);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_FALSE(got.load()) << "the waiter took a held lock";
  gil.release(holder.id, false, holder.token, holder.stats, holder.trace);
  w.join();
  EXPECT_TRUE(got.load());
  EXPECT_EQ(gil.counters().dropRequests, 0u);
  EXPECT_EQ(waiter.stats.dropRequests, 0u);
}

// Two CPU-bound threads that release only when asked (as the eval loop does). With forced
// switching a releaser waits until the other has taken the lock, so while both still want it the
// holders strictly alternate: a yielding holder never re-takes the lock while a waiter waits.
TEST(Gil, ForcedSwitchingNeverLetsTheYielderRetake) {
  Gil gil;
  constexpr int kRounds = 25;
  std::mutex orderMutex;
  std::vector<int> order;  // who acquired, in order
  std::atomic<int> finished{0};
  auto body = [&](int who) {
    Party p(gil);
    for (int r = 0; r < kRounds; ++r) {
      ASSERT_TRUE(gil.acquire(p.id, 200, p.token, p.stats, p.trace));
      {
        std::lock_guard<std::mutex> g(orderMutex);
        order.push_back(who);
      }
      const uint64_t deadline = monotonicNs() + kHangGuardNs;
      // Hold until asked to drop (or until the other thread has finished and will never ask).
      while (!gil.dropRequested() && finished.load() == 0) {
        burnCpuUs(10);
        ASSERT_LT(monotonicNs(), deadline) << "no drop request arrived";
      }
      const bool last = r == kRounds - 1;
      gil.release(p.id, /*forcedWait=*/!last, p.token, p.stats, p.trace, last);
    }
    finished.fetch_add(1);
  };
  std::thread a(body, 0);
  std::thread b(body, 1);
  a.join();
  b.join();
  ASSERT_EQ(order.size(), 2u * kRounds);
  // Until one side has used up its rounds, the sequence alternates.
  int seen[2] = {0, 0};
  for (size_t i = 0; i + 1 < order.size(); ++i) {
    ++seen[order[i]];
    if (seen[0] == kRounds || seen[1] == kRounds) break;
    EXPECT_NE(order[i], order[i + 1]) << "thread " << order[i] << " re-took the lock at acquisition " << i + 1;
  }
  const Gil::Counters c = gil.counters();
  EXPECT_GE(c.handoffs, static_cast<uint64_t>(kRounds));
  EXPECT_GE(c.dropRequests, static_cast<uint64_t>(kRounds));
}

TEST(Gil, ForcedReleaseWithNobodyWaitingReturnsAtOnce) {
  Gil gil;
  Party a(gil);
  ASSERT_TRUE(gil.acquire(a.id, 5000, a.token, a.stats, a.trace));
  const uint64_t t0 = monotonicNs();
  gil.release(a.id, /*forcedWait=*/true, a.token, a.stats, a.trace);
  EXPECT_LT(monotonicNs() - t0, kHangGuardNs);
  ASSERT_TRUE(gil.acquire(a.id, 5000, a.token, a.stats, a.trace));
  gil.release(a.id, false, a.token, a.stats, a.trace, true);
}

// A waiter whose task is cancelled gives up within a bounded time, even with a switch interval of
// a second and a holder that never lets go, and leaves the lock to its holder.
TEST(Gil, CancelledWaiterGivesUpPromptly) {
  Gil gil;
  Party holder(gil);
  Party waiter(gil, 16);
  ASSERT_TRUE(gil.acquire(holder.id, 1'000'000, holder.token, holder.stats, holder.trace));
  std::atomic<int> result{-1};
  std::atomic<uint64_t> returnedNs{0};
  std::thread w([&] {
    result = gil.acquire(waiter.id, 1'000'000, waiter.token, waiter.stats, waiter.trace) ? 1 : 0;
    returnedNs = monotonicNs();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const uint64_t cancelNs = monotonicNs();
  waiter.token.cancel();
  ASSERT_TRUE(waitUntil([&] { return result.load() != -1; })) << "the cancelled waiter is still waiting";
  w.join();
  EXPECT_EQ(result.load(), 0);
  EXPECT_LT(returnedNs.load() - cancelNs, kHangGuardNs);
  EXPECT_EQ(waiter.stats.acquisitions, 0u);
  EXPECT_GT(waiter.stats.waitNs, 0u);
  ASSERT_FALSE(waiter.trace.events().empty());
  EXPECT_EQ(waiter.trace.events().back().kind, EventKind::LockWaitCancelled);
  // The holder still holds it: a new waiter is kept out until the holder releases.
  EXPECT_EQ(gil.counters().acquisitions, 1u);
  gil.release(holder.id, false, holder.token, holder.stats, holder.trace, true);
  Party next(gil);
  ASSERT_TRUE(gil.acquire(next.id, 1'000'000, next.token, next.stats, next.trace));
  gil.release(next.id, false, next.token, next.stats, next.trace, true);
}

// A waiter already cancelled before it asks never blocks.
TEST(Gil, AlreadyCancelledWaiterReturnsFalse) {
  Gil gil;
  Party holder(gil);
  Party waiter(gil);
  ASSERT_TRUE(gil.acquire(holder.id, 5000, holder.token, holder.stats, holder.trace));
  waiter.token.cancel();
  EXPECT_FALSE(gil.acquire(waiter.id, 1'000'000, waiter.token, waiter.stats, waiter.trace));
  gil.release(holder.id, false, holder.token, holder.stats, holder.trace, true);
}

// With forced switching the releaser returns only once the waiter has the lock. The drop request
// proves the waiter is registered as waiting (it is set under the lock's mutex while waiting).
TEST(Gil, ForcedReleaseReturnsOnlyAfterTheWaiterTookTheLock) {
  for (int round = 0; round < 20; ++round) {
    Gil gil;
    Party holder(gil);
    Party waiter(gil);
    ASSERT_TRUE(gil.acquire(holder.id, 100, holder.token, holder.stats, holder.trace));
    std::thread w([&] {
      EXPECT_TRUE(gil.acquire(waiter.id, 100, waiter.token, waiter.stats, waiter.trace));
      burnCpuUs(50);
      gil.release(waiter.id, false, waiter.token, waiter.stats, waiter.trace, true);
    });
    ASSERT_TRUE(waitUntil([&] { return gil.dropRequested(); }));
    gil.release(holder.id, /*forcedWait=*/true, holder.token, holder.stats, holder.trace);
    EXPECT_EQ(gil.counters().acquisitions, 2u) << "the releaser returned before the waiter took the lock";
    w.join();
  }
}

// Hand-offs count the lock passing between tasks that still needed it; a task's last release and
// the convoy probe's acquisitions are not hand-offs.
TEST(Gil, HandoffCountingRules) {
  Gil gil;
  Party a(gil), b(gil), probe(gil);
  auto take = [&](Party& p, bool isProbe = false) {
    ASSERT_TRUE(gil.acquire(p.id, 5000, p.token, p.stats, p.trace, isProbe));
  };
  take(a);
  gil.release(a.id, false, a.token, a.stats, a.trace, /*finished=*/true);
  take(b);  // a had finished: not a hand-off
  EXPECT_EQ(gil.counters().handoffs, 0u);
  gil.release(b.id, false, b.token, b.stats, b.trace);
  take(a);  // b still needed it: a hand-off
  EXPECT_EQ(gil.counters().handoffs, 1u);
  gil.release(a.id, false, a.token, a.stats, a.trace);
  take(probe, true);  // the probe is never counted
  gil.release(probe.id, false, probe.token, probe.stats, probe.trace);
  EXPECT_EQ(gil.counters().handoffs, 1u);
  take(a);  // a again after only the probe: the last task holder was a, so not a hand-off
  EXPECT_EQ(gil.counters().handoffs, 1u);
  gil.release(a.id, false, a.token, a.stats, a.trace);
  take(b);
  EXPECT_EQ(gil.counters().handoffs, 2u);
  gil.release(b.id, false, b.token, b.stats, b.trace, true);
  EXPECT_EQ(gil.counters().acquisitions, 6u);
}

// Kernels under the lock: the compute phases of two tasks never overlap (checked from the
// recorded hold intervals), blocking phases release the lock and do overlap.
struct Interval {
  uint64_t start, end;
};

std::vector<Interval> holdIntervals(const TraceBuffer& t) {
  std::vector<Interval> out;
  uint64_t open = 0;
  for (const Event& e : t.events()) {
    if (e.kind == EventKind::LockAcquired) open = e.ns;
    if (e.kind == EventKind::LockReleased && open != 0) {
      out.push_back({open, e.ns});
      open = 0;
    }
  }
  return out;
}

std::vector<Interval> blockIntervals(const TraceBuffer& t) {
  std::vector<Interval> out;
  uint64_t open = 0;
  for (const Event& e : t.events()) {
    if (e.kind == EventKind::BlockStart) open = e.ns;
    if (e.kind == EventKind::BlockEnd && open != 0) out.push_back({open, e.ns});
  }
  return out;
}

bool overlaps(const std::vector<Interval>& a, const std::vector<Interval>& b) {
  for (const auto& x : a) {
    for (const auto& y : b) {
      if (x.start < y.end && y.start < x.end) return true;
    }
  }
  return false;
}

TEST(GilKernels, ComputeTakesTurnsAndBlockingOverlaps) {
  Gil gil;
  GilUse use{&gil, 1000, true};
  kernels::Call mixed;
  mixed.id = kernels::KernelId::Mixed;
  mixed.args[0] = 3000;    // computeUs
  mixed.args[1] = 40'000;  // waitUs
  mixed.args[2] = 3;       // repeats
  std::vector<TaskRecord> records(2);
  std::vector<std::thread> threads;
  CancelToken token;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] { records[i] = executeTask(mixed, token, monotonicNs(), &use, 4096); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : records) {
    EXPECT_EQ(r.result, 3u * 43'000u);
    EXPECT_GE(r.lock.acquisitions, 3u);
    EXPECT_LE(r.lock.holdNs, r.endNs - r.startNs);
    EXPECT_EQ(r.trace.dropped(), 0u);
  }
  EXPECT_FALSE(overlaps(holdIntervals(records[0].trace), holdIntervals(records[1].trace)))
      << "two tasks held the lock at once";
  EXPECT_TRUE(overlaps(blockIntervals(records[0].trace), blockIntervals(records[1].trace)))
      << "blocking phases did not overlap: they should run without the lock";
  const Gil::Counters c = gil.counters();
  EXPECT_EQ(c.holdNs, records[0].lock.holdNs + records[1].lock.holdNs);
  EXPECT_EQ(c.acquisitions, records[0].lock.acquisitions + records[1].lock.acquisitions);
}

TEST(GilKernels, CancellingATaskThatWaitsForTheLockEndsIt) {
  Gil gil;
  GilUse use{&gil, 1'000'000, true};
  Party holder(gil);
  ASSERT_TRUE(gil.acquire(holder.id, 1'000'000, holder.token, holder.stats, holder.trace));
  kernels::Call spin;
  spin.id = kernels::KernelId::Spin;
  spin.args[0] = 10'000'000;
  CancelToken token;
  TaskRecord r;
  std::atomic<bool> done{false};
  std::thread t([&] {
    r = executeTask(spin, token, monotonicNs(), &use);
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  token.cancel();
  ASSERT_TRUE(waitUntil([&] { return done.load(); }));
  t.join();
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(r.result, 0u);
  EXPECT_EQ(r.lock.acquisitions, 0u);
  gil.release(holder.id, false, holder.token, holder.stats, holder.trace, true);
}

}  // namespace
}  // namespace gilscope::runtime
