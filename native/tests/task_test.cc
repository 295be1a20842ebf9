// Per-task accounting (executeTask): the invariants task.h states.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/thread_id.h"
#include "helpers.h"
#include "runtime/cancel.h"
#include "runtime/gil.h"
#include "runtime/task.h"

namespace gilscope::runtime {
namespace {

using common::monotonicNs;
using common::osThreadId;
using tests::kHangGuardNs;
using tests::waitUntil;

kernels::Call call(kernels::KernelId id, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0) {
  kernels::Call c;
  c.id = id;
  c.args[0] = a0;
  c.args[1] = a1;
  c.args[2] = a2;
  return c;
}

// startNs <= endNs; cpuNs <= endNs - startNs; queueNs = startNs - submitNs >= 0; read on the
// calling thread.
void expectInvariants(const TaskRecord& r, uint64_t submitNs) {
  EXPECT_EQ(r.submitNs, submitNs);
  EXPECT_LE(r.submitNs, r.startNs);
  EXPECT_LE(r.startNs, r.endNs);
  EXPECT_LE(r.cpuNs, r.endNs - r.startNs) << "one thread used more CPU than wall time";
  EXPECT_EQ(r.threadId, osThreadId());
  EXPECT_TRUE(r.error.empty()) << r.error;
}

TEST(Accounting, InvariantsHoldForEveryKernel) {
  const std::vector<kernels::Call> calls = {
      call(kernels::KernelId::Noop),
      call(kernels::KernelId::Primes, 20000),
      call(kernels::KernelId::Mandelbrot, 40, 40, 200),
      call(kernels::KernelId::Hash, 100000, 2),
      call(kernels::KernelId::Spin, 5000),
      call(kernels::KernelId::Sleep, 5000),
      call(kernels::KernelId::Mixed, 500, 500, 3),
      call(kernels::KernelId::Stream, 1 << 20, 2),
  };
  for (const auto& c : calls) {
    CancelToken token;
    const uint64_t submitNs = monotonicNs();
    const TaskRecord r = executeTask(c, token, submitNs, nullptr);
    expectInvariants(r, submitNs);
    EXPECT_TRUE(r.started);
    EXPECT_FALSE(r.cancelled);
    EXPECT_EQ(r.kernel, c.id);
    kernels::FreeContext free;
    if (c.id != kernels::KernelId::Sleep && c.id != kernels::KernelId::Mixed) {
      EXPECT_EQ(r.result, kernels::run(c, free)) << static_cast<int>(c.id);
    }
    EXPECT_EQ(r.lock.acquisitions, 0u);
    EXPECT_EQ(r.lock.holdNs, 0u);
    EXPECT_GE(r.runQueueNs, 0) << "Linux provides /proc/thread-self/schedstat";
    EXPECT_FALSE(r.trace.enabled());
  }
}

TEST(Accounting, SpinUsesWhatItAskedAndRusageAgreesWithTheCpuClock) {
  CancelToken token;
  const TaskRecord r = executeTask(call(kernels::KernelId::Spin, 30'000), token, monotonicNs(), nullptr);
  EXPECT_EQ(r.result, 30'000u);
  EXPECT_GE(r.cpuNs, 30'000'000u);
  // getrusage is refreshed by the CPU clock read before it: it agrees within one scheduler tick
  // (4 ms at HZ=250) plus rounding.
  const int64_t rusageUs = static_cast<int64_t>(r.userUs + r.systemUs);
  const int64_t clockUs = static_cast<int64_t>(r.cpuNs / 1000);
  EXPECT_LE(std::llabs(rusageUs - clockUs), 5'000) << "rusage " << rusageUs << " us vs clock " << clockUs << " us";
}

TEST(Accounting, SleepUsesAlmostNoCpuAndSwitchesVoluntarily) {
  CancelToken token;
  const TaskRecord r = executeTask(call(kernels::KernelId::Sleep, 30'000), token, monotonicNs(), nullptr);
  EXPECT_EQ(r.result, 30'000u);
  EXPECT_GE(r.endNs - r.startNs, 30'000'000u);
  EXPECT_LT(r.cpuNs, 10'000'000u);
  EXPECT_GE(r.voluntarySwitches, 1);
}

TEST(Accounting, CancelledBeforeStartRunsNothing) {
  CancelToken token;
  token.cancel();
  const TaskRecord r = executeTask(call(kernels::KernelId::Spin, 60'000'000), token, monotonicNs(), nullptr, 64);
  EXPECT_FALSE(r.started);
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(r.result, 0u);
  EXPECT_EQ(r.cpuNs, 0u);
  EXPECT_EQ(r.startNs, r.endNs);
  EXPECT_TRUE(r.trace.events().empty());
}

TEST(Accounting, CancelledWhileRunningStopsSoonAndSaysSo) {
  for (const auto& c : {call(kernels::KernelId::Spin, 60'000'000), call(kernels::KernelId::Sleep, 60'000'000),
                        call(kernels::KernelId::Primes, 100'000'000)}) {
    CancelToken token;
    TaskRecord r;
    std::atomic<bool> running{false};
    std::atomic<bool> done{false};
    std::thread t([&] {
      running = true;
      r = executeTask(c, token, monotonicNs(), nullptr);
      done = true;
    });
    // Cancel once the task is surely under way (a thread can take long to start on a busy machine).
    ASSERT_TRUE(waitUntil([&] { return running.load(); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    token.cancel();
    ASSERT_TRUE(waitUntil([&] { return done.load(); })) << "task " << static_cast<int>(c.id) << " ignored cancel";
    t.join();
    EXPECT_TRUE(r.started);
    EXPECT_TRUE(r.cancelled);
    EXPECT_EQ(r.result, 0u);
    EXPECT_LE(r.cpuNs, r.endNs - r.startNs);
  }
}

TEST(Accounting, QueueTimeIsMeasuredFromSubmission) {
  CancelToken token;
  const uint64_t submitNs = monotonicNs();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const TaskRecord r = executeTask(call(kernels::KernelId::Noop), token, submitNs, nullptr);
  EXPECT_GE(r.startNs - r.submitNs, 5'000'000u);
}

TEST(Accounting, TraceBracketsTheTask) {
  CancelToken token;
  Gil gil;
  GilUse use{&gil, 5000, true};
  const TaskRecord r = executeTask(call(kernels::KernelId::Mixed, 200, 200, 3), token, monotonicNs(), &use, 256);
  ASSERT_TRUE(r.trace.enabled());
  const auto& ev = r.trace.events();
  ASSERT_GE(ev.size(), 2u);
  EXPECT_EQ(ev.front().kind, EventKind::TaskStart);
  EXPECT_EQ(ev.back().kind, EventKind::TaskEnd);
  for (size_t i = 0; i < ev.size(); ++i) {
    EXPECT_GE(ev[i].ns, r.startNs);
    EXPECT_LE(ev[i].ns, r.endNs);
    if (i > 0) {
      EXPECT_GE(ev[i].ns, ev[i - 1].ns);
    }
  }
  size_t acquired = 0, released = 0;
  for (const auto& e : ev) {
    acquired += e.kind == EventKind::LockAcquired;
    released += e.kind == EventKind::LockReleased;
  }
  EXPECT_EQ(acquired, r.lock.acquisitions);
  EXPECT_EQ(acquired, released) << "the lock is never held when the task returns";
  EXPECT_LE(r.lock.holdNs + r.lock.waitNs, r.endNs - r.startNs);
}

}  // namespace
}  // namespace gilscope::runtime
