// The hazard experiments: each keeps its stated invariants and ends within its bound. Under
// ThreadSanitizer the racy counter stays quiet (its race is a logical one, on relaxed atomics).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "common/clock.h"
#include "hazards/experiments.h"
#include "helpers.h"

namespace gilscope::hazards {
namespace {

using common::monotonicNs;
using tests::kHangGuardNs;

TEST(Hazards, JainIndexOnKnownShares) {
  EXPECT_DOUBLE_EQ(jainIndex({5, 5, 5, 5}), 1.0);
  EXPECT_DOUBLE_EQ(jainIndex({9, 0, 0}), 1.0 / 3.0);
  EXPECT_NEAR(jainIndex({1, 2, 3}), 36.0 / 42.0, 1e-12);  // (1+2+3)^2 / (3 * (1+4+9))
  EXPECT_TRUE(std::isnan(jainIndex({})));
  EXPECT_TRUE(std::isnan(jainIndex({0, 0})));
}

TEST(Hazards, RaceRemediesCountEveryIncrement) {
  for (const RaceStrategy s : {RaceStrategy::Mutex, RaceStrategy::Atomic, RaceStrategy::Sharded}) {
    const RaceReport r = runRace(4, 20'000, s, 10'000);
    EXPECT_FALSE(r.stoppedEarly);
    EXPECT_EQ(r.threads, 4u);
    EXPECT_EQ(r.expected, 80'000u);
    EXPECT_EQ(r.actual, r.expected) << static_cast<int>(s);
    EXPECT_EQ(r.lostUpdates, 0u);
    EXPECT_GT(r.wallNs, 0u);
  }
}

TEST(Hazards, RacyCounterNeverInventsIncrements) {
  for (int i = 0; i < 3; ++i) {
    const RaceReport r = runRace(2, 200'000, RaceStrategy::Racy, 10'000);
    EXPECT_EQ(r.expected, 400'000u);
    EXPECT_LE(r.actual, r.expected);
    EXPECT_EQ(r.lostUpdates, r.expected - r.actual);
  }
}

TEST(Hazards, RaceStopsAtItsTimeLimit) {
  const uint64_t t0 = monotonicNs();
  const RaceReport r = runRace(2, kMaxIncrements, RaceStrategy::Mutex, 5);
  EXPECT_LT(monotonicNs() - t0, kHangGuardNs);
  EXPECT_TRUE(r.stoppedEarly) << "2 x 10^8 mutex increments in 5 ms";
  EXPECT_LT(r.expected, 2 * kMaxIncrements);
  EXPECT_EQ(r.actual, r.expected) << "what was performed is counted exactly";
}

TEST(Hazards, OppositeOrderDeadlocksAndRecovers) {
  const DeadlockReport r = runDeadlock(5000, LockOrdering::Opposite);
  ASSERT_TRUE(r.deadlocked);
  EXPECT_FALSE(r.timedOut);
  EXPECT_GT(r.detectedAfterNs, 0u);
  EXPECT_LE(r.detectedAfterNs, r.wallNs);
  ASSERT_EQ(r.cycle.size(), 2u);
  for (const WaitEdge& e : r.cycle) {
    // Each holds one lock and waits for the other one.
    EXPECT_TRUE(e.holdsMask == 1u || e.holdsMask == 2u) << e.holdsMask;
    EXPECT_EQ(e.waitsFor, e.holdsMask == 1u ? 1 : 0);
  }
  ASSERT_TRUE(r.victim == 0 || r.victim == 1);
  EXPECT_TRUE(r.threads[r.victim].backedOut);
  EXPECT_FALSE(r.threads[1 - r.victim].backedOut);
  EXPECT_TRUE(r.threads[0].completed && r.threads[1].completed) << "both finish once the victim backs out";
}

TEST(Hazards, GlobalOrderNeverDeadlocks) {
  for (int i = 0; i < 5; ++i) {
    const DeadlockReport r = runDeadlock(5000, LockOrdering::Global);
    EXPECT_FALSE(r.deadlocked);
    EXPECT_TRUE(r.cycle.empty());
    EXPECT_EQ(r.victim, -1);
    EXPECT_FALSE(r.timedOut);
    EXPECT_TRUE(r.threads[0].completed && r.threads[1].completed);
  }
}

TEST(Hazards, DeadlockEndsByItsTimeoutEvenWhenTiny) {
  const uint64_t t0 = monotonicNs();
  const DeadlockReport r = runDeadlock(1, LockOrdering::Opposite);
  EXPECT_LT(monotonicNs() - t0, kHangGuardNs);
  EXPECT_TRUE(r.deadlocked || r.timedOut);
}

TEST(Hazards, StarvationKeepsMutualExclusionAndCountsEveryAcquisition) {
  for (const StarvationLock lock : {StarvationLock::Unfair, StarvationLock::Fair}) {
    const uint64_t t0 = monotonicNs();
    const StarvationReport r = runStarvation(4, 30, lock);
    EXPECT_LT(monotonicNs() - t0, kHangGuardNs);
    ASSERT_EQ(r.threads.size(), 4u);
    uint64_t contended = 0;
    std::vector<uint64_t> shares;
    for (const auto& t : r.threads) {
      contended += t.acquisitions;
      shares.push_back(t.acquisitions);
      EXPECT_LE(t.longestWaitNs, r.longestWaitNs);
      EXPECT_LE(t.longestWaitNs, t.totalWaitNs + (t.acquisitions == 0 ? t.longestWaitNs : 0));
    }
    EXPECT_EQ(r.guardedCount, contended + r.uncontendedAcquisitions) << "an increment under the lock was lost";
    if (contended > 0) {
      EXPECT_DOUBLE_EQ(r.fairnessIndex, jainIndex(shares));
      EXPECT_GE(r.fairnessIndex, 0.25 - 1e-12);
      EXPECT_LE(r.fairnessIndex, 1.0 + 1e-12);
    }
  }
}

TEST(Hazards, LivelockKeepsExclusionAndEndsInTime) {
  for (const Backoff b : {Backoff::Lockstep, Backoff::Random}) {
    const uint64_t t0 = monotonicNs();
    const LivelockReport r = runLivelock(60, b);
    EXPECT_LT(monotonicNs() - t0, kHangGuardNs);
    EXPECT_EQ(r.exclusionViolations, 0u);
    EXPECT_EQ(r.attempts, r.threads[0].attempts + r.threads[1].attempts);
    EXPECT_EQ(r.progress, r.threads[0].progress + r.threads[1].progress);
    EXPECT_EQ(r.backoffs, r.threads[0].backoffs + r.threads[1].backoffs);
    for (const auto& t : r.threads) EXPECT_LE(t.progress + t.backoffs, t.attempts);
    EXPECT_GT(r.attempts, 0u);
    EXPECT_GT(r.slotNs, 0u);
  }
  // Random backoff breaks the symmetry: over 60 ms (about 30 attempts each) something gets through.
  uint64_t progress = 0;
  for (int i = 0; i < 3 && progress == 0; ++i) progress = runLivelock(60, Backoff::Random).progress;
  EXPECT_GT(progress, 0u);
}

}  // namespace
}  // namespace gilscope::hazards
