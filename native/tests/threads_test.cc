// Raw-thread batches and the convoy probe.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/thread_id.h"
#include "helpers.h"
#include "runtime/cancel.h"
#include "runtime/convoy.h"
#include "runtime/gil.h"
#include "runtime/raw_threads.h"

namespace gilscope::runtime {
namespace {

using common::monotonicNs;
using common::osThreadId;
using tests::kHangGuardNs;
using tests::waitUntil;

TEST(RawThreads, EachTaskRunsOnItsOwnThread) {
  kernels::Call primes;
  primes.id = kernels::KernelId::Primes;
  primes.args[0] = 1000;
  CancelToken token;
  const uint64_t before = monotonicNs();
  const std::vector<TaskRecord> records = runOnRawThreads(primes, 8, token, 32);
  ASSERT_EQ(records.size(), 8u);
  std::set<int64_t> tids;
  for (const auto& r : records) {
    EXPECT_EQ(r.result, 168u);
    EXPECT_TRUE(r.started);
    EXPECT_FALSE(r.cancelled);
    EXPECT_TRUE(r.error.empty());
    EXPECT_NE(r.threadId, osThreadId());
    EXPECT_EQ(r.submitNs, records[0].submitNs);
    EXPECT_GE(r.submitNs, before);
    EXPECT_LE(r.submitNs, r.startNs);
    EXPECT_LE(r.cpuNs, r.endNs - r.startNs);
    EXPECT_TRUE(r.trace.enabled());
    tids.insert(r.threadId);
  }
  EXPECT_EQ(tids.size(), 8u);
}

TEST(RawThreads, CancelStopsEveryThread) {
  kernels::Call spin;
  spin.id = kernels::KernelId::Spin;
  spin.args[0] = 60'000'000;
  CancelToken token;
  std::vector<TaskRecord> records;
  std::atomic<bool> done{false};
  std::thread runner([&] {
    records = runOnRawThreads(spin, 4, token);
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  token.cancel();
  ASSERT_TRUE(waitUntil([&] { return done.load(); }));
  runner.join();
  ASSERT_EQ(records.size(), 4u);
  for (const auto& r : records) {
    EXPECT_TRUE(r.cancelled);
    EXPECT_EQ(r.result, 0u);
  }
}

TEST(ConvoyProbe, MeasuresRoundsOnAFreeLock) {
  auto gil = std::make_shared<Gil>();
  ConvoyProbe probe(gil, 5000, 20, 1000, 1024);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const std::vector<uint64_t> lat = probe.stop();
  ASSERT_FALSE(lat.empty());
  for (uint64_t ns : lat) EXPECT_GE(ns, 20'000u) << "a round includes its 20 us of work";
  EXPECT_EQ(probe.stop().size(), lat.size()) << "stop() is idempotent";
  EXPECT_GT(probe.threadId(), 0);
  EXPECT_NE(probe.threadId(), osThreadId());
  EXPECT_FALSE(probe.trace().events().empty());
  // Probe acquisitions are counted as acquisitions but never as hand-offs.
  const Gil::Counters c = gil->counters();
  EXPECT_GE(c.acquisitions, lat.size());
  EXPECT_EQ(c.handoffs, 0u);
}

// Stopping must not wait for a lock that is never released.
TEST(ConvoyProbe, StopsWhileWaitingForAHeldLock) {
  auto gil = std::make_shared<Gil>();
  CancelToken holderToken;
  LockStats stats;
  TraceBuffer trace;
  const uint64_t id = gil->newHolderId();
  ASSERT_TRUE(gil->acquire(id, 1'000'000, holderToken, stats, trace));
  auto probe = std::make_unique<ConvoyProbe>(gil, 1'000'000, 20, 1000);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const uint64_t t0 = monotonicNs();
  const std::vector<uint64_t> lat = probe->stop();
  EXPECT_LT(monotonicNs() - t0, kHangGuardNs);
  EXPECT_TRUE(lat.empty()) << "no round can complete while the lock is held";
  probe.reset();
  gil->release(id, false, holderToken, stats, trace, true);
}

// The probe's work phase (up to a second, as the bindings accept) is interrupted by stop().
TEST(ConvoyProbe, StopsMidWork) {
  auto gil = std::make_shared<Gil>();
  ConvoyProbe probe(gil, 5000, /*workUs=*/30'000'000, 1000);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const uint64_t t0 = monotonicNs();
  const std::vector<uint64_t> lat = probe.stop();
  EXPECT_LT(monotonicNs() - t0, kHangGuardNs) << "stop() waited for the 30 s work phase";
  EXPECT_TRUE(lat.empty()) << "an interrupted round is not a latency";
  // The lock is free again: the probe released it on the way out.
  CancelToken token;
  LockStats stats;
  TraceBuffer trace;
  const uint64_t id = gil->newHolderId();
  EXPECT_TRUE(gil->acquire(id, 5000, token, stats, trace));
  gil->release(id, false, token, stats, trace, true);
}

TEST(ConvoyProbe, DestroyingWithoutStopIsSafe) {
  auto gil = std::make_shared<Gil>();
  { ConvoyProbe probe(gil, 1000, 5, 100); }
  SUCCEED();
}

}  // namespace
}  // namespace gilscope::runtime
