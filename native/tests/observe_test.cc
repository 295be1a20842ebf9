// The observation runtime: another thread's CPU clock, the thread-role registry and the census
// barrier (its hard deadline included).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/thread_id.h"
#include "runtime/census.h"
#include "runtime/thread_cpu.h"
#include "runtime/thread_registry.h"

namespace gilscope::runtime {
namespace {

void burnCpuNs(uint64_t ns) {
  const uint64_t end = common::threadCpuNs() + ns;
  while (common::threadCpuNs() < end) {
  }
}

TEST(ThreadCpu, ReadsAnotherThreadExactlyAndMinusOneWhenGone) {
  std::atomic<int64_t> tid{0};
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> ownNs{0};
  std::thread t([&] {
    tid = common::osThreadId();
    burnCpuNs(20'000'000);
    ownNs = common::threadCpuNs();
    while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  while (ownNs == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const int64_t seen = threadCpuNsOf(tid);
  // Read from here while it sleeps: its clock has not moved much since it read its own.
  EXPECT_GE(seen, static_cast<int64_t>(ownNs.load()));
  EXPECT_LT(seen, static_cast<int64_t>(ownNs.load()) + 5'000'000);
  stop = true;
  t.join();
  EXPECT_EQ(threadCpuNsOf(tid), -1);
  EXPECT_EQ(threadCpuNsOf(0), -1);
  EXPECT_EQ(threadCpuNsOf(-5), -1);
}

TEST(ThreadCpu, OwnThreadMatchesTheThreadClock) {
  burnCpuNs(2'000'000);
  const auto a = static_cast<int64_t>(common::threadCpuNs());
  const int64_t b = threadCpuNsOf(common::osThreadId());
  EXPECT_GE(b, a);
  EXPECT_LT(b - a, 1'000'000);
}

TEST(ThreadRegistry, AScopeRegistersForItsLifetime) {
  const int64_t me = common::osThreadId();
  auto has = [me] {
    for (const auto& [tid, role] : registeredThreads())
      if (tid == me) return role == ThreadRole::Native;
    return false;
  };
  EXPECT_FALSE(has());
  {
    const ThreadRoleScope scope(ThreadRole::Native);
    EXPECT_TRUE(has());
  }
  EXPECT_FALSE(has());
  unregisterThread(12345678);  // unknown: no-op
}

TEST(CensusBarrier, AllMeetWhenAllArrive) {
  CensusBarrier barrier(3, common::monotonicNs() + common::msToNs(5'000));
  std::vector<std::thread> threads;
  std::atomic<int> met{0};
  for (int i = 0; i < 3; ++i) threads.emplace_back([&] { met += barrier.arrive() ? 1 : 0; });
  for (auto& t : threads) t.join();
  EXPECT_EQ(met, 3);
}

TEST(CensusBarrier, TooFewReturnAtTheDeadlineAndLateOnesAtOnce) {
  const uint64_t t0 = common::monotonicNs();
  CensusBarrier barrier(3, t0 + common::msToNs(50));
  std::vector<std::thread> threads;
  std::atomic<int> met{0};
  for (int i = 0; i < 2; ++i) threads.emplace_back([&] { met += barrier.arrive() ? 1 : 0; });
  for (auto& t : threads) t.join();
  const uint64_t waited = common::monotonicNs() - t0;
  EXPECT_EQ(met, 0);
  EXPECT_GE(waited, common::msToNs(50));
  EXPECT_LT(waited, common::msToNs(5'000));  // bounded, loose for a loaded machine
  const uint64_t t1 = common::monotonicNs();
  EXPECT_TRUE(barrier.arrive());  // the third arrives late: all have arrived now
  EXPECT_LT(common::monotonicNs() - t1, common::msToNs(1'000));
}

}  // namespace
}  // namespace gilscope::runtime
