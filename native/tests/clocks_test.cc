// The clocks (common/clock.h, common/thread_id.h) and the usage reads on top of them
// (runtime/usage.h): the properties their headers state.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>

#include "common/clock.h"
#include "common/thread_id.h"
#include "helpers.h"
#include "runtime/usage.h"

namespace gilscope::runtime {
namespace {

using common::monotonicNs;
using common::osThreadId;
using common::threadCpuNs;
using tests::burnCpuUs;

TEST(Clocks, MonotonicNeverGoesBackAndThreadCpuGrowsWithWork) {
  uint64_t last = monotonicNs();
  for (int i = 0; i < 10000; ++i) {
    const uint64_t now = monotonicNs();
    ASSERT_GE(now, last);
    last = now;
  }
  const uint64_t cpu0 = threadCpuNs();
  burnCpuUs(5000);
  EXPECT_GE(threadCpuNs() - cpu0, 5'000'000u);
}

TEST(Clocks, ThreadIdsAreThreadsOwn) {
  const int64_t mine = osThreadId();
  EXPECT_GT(mine, 0);
  EXPECT_EQ(osThreadId(), mine);
  int64_t other = 0;
  std::thread t([&] { other = osThreadId(); });
  t.join();
  EXPECT_GT(other, 0);
  EXPECT_NE(other, mine);
}

TEST(Clocks, SampleThreadIsTheCallersAndProcessIncludesIt) {
  const ThreadUsage a = sampleThread();
  burnCpuUs(10'000);
  const ThreadUsage b = sampleThread();
  EXPECT_GE(b.cpuNs - a.cpuNs, 10'000'000u);
  EXPECT_GE(b.userUs + b.systemUs, a.userUs + a.systemUs);
  EXPECT_GE(b.runQueueNs, a.runQueueNs);
  // Another thread's burn does not show in this thread's sample.
  const ThreadUsage c = sampleThread();
  std::thread t([] { burnCpuUs(20'000); });
  t.join();
  const ThreadUsage d = sampleThread();
  EXPECT_LT(d.cpuNs - c.cpuNs, 20'000'000u);
  // The process total covers this thread (to within a tick of rusage resolution).
  const ProcessUsage p = sampleProcess();
  EXPECT_GE((p.userUs + p.systemUs) * 1000 + 4'000'000, d.cpuNs);
}

TEST(Clocks, ConversionsAreExact) {
  timespec ts{};
  ts.tv_sec = 3;
  ts.tv_nsec = 999'999'999;
  EXPECT_EQ(common::toNs(ts), 3'999'999'999u);
  timeval tv{};
  tv.tv_sec = 2;
  tv.tv_usec = 999'999;
  EXPECT_EQ(common::toUs(tv), 2'999'999u);
  EXPECT_EQ(common::usToNs(7), 7'000u);
  EXPECT_EQ(common::msToNs(7), 7'000'000u);
}

TEST(ResidentBytes, GrowsWhenMemoryIsTouched) {
  const int64_t before = residentBytes();
  ASSERT_GT(before, 0);
  constexpr size_t kBytes = 64u << 20;
  std::unique_ptr<char[]> block(new char[kBytes]);
  for (size_t i = 0; i < kBytes; i += 4096) block[i] = static_cast<char>(i);
  const int64_t after = residentBytes();
  EXPECT_GE(after - before, static_cast<int64_t>(kBytes / 2));
  volatile char sink = block[kBytes - 4096];
  (void)sink;
}

}  // namespace
}  // namespace gilscope::runtime
