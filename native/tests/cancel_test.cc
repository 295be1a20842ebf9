// CancelToken: cancellation from another thread, by the token or by an external shared flag.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>

#include "common/clock.h"
#include "helpers.h"
#include "runtime/cancel.h"

namespace gilscope::runtime {
namespace {

using common::monotonicNs;
using tests::kHangGuardNs;

TEST(Cancel, SleepForSleepsTheWholeTimeWhenNotCancelled) {
  CancelToken token;
  const uint64_t t0 = monotonicNs();
  EXPECT_TRUE(token.sleepFor(20'000));
  EXPECT_GE(monotonicNs() - t0, 20'000'000u);
  EXPECT_FALSE(token.cancelled());
  EXPECT_TRUE(token.sleepFor(0));
}

TEST(Cancel, CancelIsIdempotentAndSticky) {
  CancelToken token;
  token.cancel();
  token.cancel();
  EXPECT_TRUE(token.cancelled());
  const uint64_t t0 = monotonicNs();
  EXPECT_FALSE(token.sleepFor(60'000'000));
  EXPECT_LT(monotonicNs() - t0, kHangGuardNs);
}

TEST(Cancel, CancelFromAnotherThreadWakesASleeper) {
  CancelToken token;
  std::atomic<uint64_t> cancelNs{0};
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    cancelNs = monotonicNs();
    token.cancel();
  });
  EXPECT_FALSE(token.sleepFor(60'000'000));  // a minute, unless woken
  const uint64_t wokeNs = monotonicNs();
  canceller.join();
  EXPECT_GE(wokeNs, cancelNs.load());
  EXPECT_LT(wokeNs - cancelNs.load(), kHangGuardNs);
}

TEST(Cancel, ExternalFlagCancelsAndIsSeenWhileSleeping) {
  alignas(4) int32_t flag = 0;
  CancelToken token(&flag);
  EXPECT_FALSE(token.cancelled());
  std::atomic<uint64_t> setNs{0};
  std::thread setter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    setNs = monotonicNs();
    __atomic_store_n(&flag, 1, __ATOMIC_RELEASE);
  });
  EXPECT_FALSE(token.sleepFor(60'000'000));
  const uint64_t wokeNs = monotonicNs();
  setter.join();
  EXPECT_TRUE(token.cancelled());
  EXPECT_LT(wokeNs - setNs.load(), kHangGuardNs);
  // With an external flag the sleep is sliced, but still lasts its whole time when nothing is set.
  alignas(4) int32_t quiet = 0;
  CancelToken other(&quiet);
  const uint64_t t0 = monotonicNs();
  EXPECT_TRUE(other.sleepFor(5'000));
  EXPECT_GE(monotonicNs() - t0, 5'000'000u);
}

}  // namespace
}  // namespace gilscope::runtime
