// The kernels against known values, their table, and how they honour their context.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "helpers.h"
#include "kernels/kernels.h"

namespace gilscope::kernels {
namespace {

using tests::CountingContext;

TEST(KernelTable, NamesAreUniqueAndFindable) {
  ASSERT_EQ(kernelCount(), 8u);
  std::set<std::string> names;
  for (size_t i = 0; i < kernelCount(); ++i) {
    const KernelSpec& k = kernelTable()[i];
    EXPECT_EQ(static_cast<size_t>(k.id), i) << k.name;
    EXPECT_TRUE(names.insert(k.name).second) << k.name;
    EXPECT_EQ(findKernel(k.name), &k);
    EXPECT_LE(k.paramCount, kMaxParams);
    for (int p = 0; p < k.paramCount; ++p) EXPECT_LE(k.params[p].min, k.params[p].max) << k.name;
  }
  EXPECT_EQ(findKernel("nope"), nullptr);
  EXPECT_EQ(findKernel(""), nullptr);
  EXPECT_EQ(findKernel("primesX"), nullptr);
}

TEST(KernelTable, FirstOutOfRangeFlagsEachBoundary) {
  for (size_t i = 0; i < kernelCount(); ++i) {
    const KernelSpec& k = kernelTable()[i];
    Call call;
    call.id = k.id;
    for (int p = 0; p < k.paramCount; ++p) call.args[p] = k.params[p].min;
    EXPECT_EQ(firstOutOfRange(call), nullptr) << k.name << " at its minimums";
    for (int p = 0; p < k.paramCount; ++p) {
      Call bad = call;
      bad.args[p] = k.params[p].max + 1;
      EXPECT_EQ(firstOutOfRange(bad), &k.params[p]) << k.name << "." << k.params[p].name << " above max";
      bad.args[p] = k.params[p].max;
      EXPECT_EQ(firstOutOfRange(bad), nullptr) << k.name << "." << k.params[p].name << " at max";
      if (k.params[p].min > 0) {
        bad.args[p] = k.params[p].min - 1;
        EXPECT_EQ(firstOutOfRange(bad), &k.params[p]) << k.name << "." << k.params[p].name << " below min";
      }
    }
  }
}

TEST(Kernels, PrimesCountsPrimesBelowN) {
  FreeContext ctx;
  // pi(n) for small n, and the classic values pi(100) = 25, pi(1000) = 168, pi(10^5) = 9592;
  // 7919 is the 1000th prime, so 999 primes lie below it.
  const std::vector<std::pair<uint64_t, uint64_t>> known = {{0, 0},    {1, 0},      {2, 0},      {3, 1},
                                                            {4, 2},    {10, 4},     {11, 4},     {12, 5},
                                                            {100, 25}, {1000, 168}, {7919, 999}, {100000, 9592}};
  for (const auto& [n, count] : known) EXPECT_EQ(primes(n, ctx), count) << "n = " << n;
}

TEST(Kernels, MandelbrotTotalsEscapeIterations) {
  FreeContext ctx;
  // One point, c = (-2, -1.25): |c|^2 > 4 after the first step.
  EXPECT_EQ(mandelbrot(1, 1, 1, ctx), 1u);
  EXPECT_EQ(mandelbrot(1, 1, 1000, ctx), 1u);
  // Values of the TypeScript reference (src/kernels/reference.ts), which uses the same formula.
  EXPECT_EQ(mandelbrot(37, 23, 100, ctx), 25002u);
  EXPECT_EQ(mandelbrot(64, 64, 500, ctx), 522760u);
  // Every point takes between 1 and maxIter iterations.
  const uint64_t total = mandelbrot(16, 9, 50, ctx);
  EXPECT_GE(total, 16u * 9u);
  EXPECT_LE(total, 16u * 9u * 50u);
}

uint32_t textbookFnv1a(const std::vector<uint8_t>& data, uint32_t h = 2166136261u) {
  for (uint8_t b : data) {
    h ^= b;
    h *= 16777619u;
  }
  return h;
}

TEST(Kernels, HashIsFnv1aOverTheGeneratedBuffer) {
  FreeContext ctx;
  // Byte 0 of the buffer is 0: FNV-1a-32 of one zero byte is the standard vector 0x050c5d1f.
  EXPECT_EQ(hash(1, 1, ctx), 0x050c5d1fu);
  EXPECT_EQ(textbookFnv1a({'a'}), 0xe40c292cu);  // the test vector checks the textbook version
  EXPECT_EQ(hash(4097, 3, ctx), 1469249131u);    // the TypeScript reference's value
  for (uint64_t bytes : {2ull, 4095ull, 4096ull, 4097ull, 100000ull}) {
    std::vector<uint8_t> buffer(bytes);
    for (uint64_t i = 0; i < bytes; ++i) {
      buffer[i] = static_cast<uint8_t>((static_cast<uint32_t>(i) * 2654435761u) >> 24);
    }
    uint32_t h = textbookFnv1a(buffer);
    EXPECT_EQ(hash(bytes, 1, ctx), h) << bytes;
    h = textbookFnv1a(buffer, h);
    EXPECT_EQ(hash(bytes, 2, ctx), h) << bytes << " x 2";
  }
}

TEST(Kernels, StreamSumsUpdatedWords) {
  FreeContext ctx;
  EXPECT_EQ(stream(4, 1, ctx), 0u);                // one word, a[0] = 0, 0 * 3 + 0
  EXPECT_EQ(stream(1000003, 3, ctx), 236966248u);  // the TypeScript reference's value
  // An independent loop over the documented formula.
  const uint64_t bytes = 40000;
  std::vector<uint32_t> a(bytes / 4);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint32_t>(i) * 2654435761u;
  uint32_t sum = 0;
  for (uint32_t p = 0; p < 5; ++p) {
    for (auto& v : a) {
      v = v * 3u + p;
      sum += v;
    }
  }
  EXPECT_EQ(stream(bytes, 5, ctx), sum);
}

TEST(Kernels, TimingKernelsReturnTheirDocumentedValues) {
  FreeContext ctx;
  EXPECT_EQ(noop(), 0u);
  EXPECT_EQ(spin(0, ctx), 0u);
  EXPECT_EQ(sleep(0, ctx), 0u);
  EXPECT_EQ(mixed(100, 200, 3, ctx), 900u);
}

TEST(Kernels, SpinBurnsAtLeastTheCpuAsked) {
  FreeContext ctx;
  const uint64_t before = common::threadCpuNs();
  EXPECT_EQ(spin(20'000, ctx), 20'000u);
  EXPECT_GE(common::threadCpuNs() - before, 20'000'000u);
}

TEST(Kernels, SleepBlocksWithoutBurningCpu) {
  CountingContext ctx;
  EXPECT_EQ(sleep(30'000, ctx), 30'000u);
  EXPECT_EQ(ctx.blocks, 1u);
  EXPECT_EQ(ctx.blockedUs, 30'000u);
  FreeContext free;
  const uint64_t cpu0 = common::threadCpuNs();
  const uint64_t wall0 = common::monotonicNs();
  sleep(30'000, free);
  EXPECT_GE(common::monotonicNs() - wall0, 30'000'000u);
  EXPECT_LT(common::threadCpuNs() - cpu0, 10'000'000u) << "a 30 ms sleep used 10 ms of CPU or more";
}

TEST(Kernels, MixedAlternatesComputeAndBlocking) {
  CountingContext ctx;
  EXPECT_EQ(mixed(50, 70, 4, ctx), 4u * 120u);
  EXPECT_EQ(ctx.blocks, 4u);
  EXPECT_EQ(ctx.blockedUs, 4u * 70u);
  EXPECT_GE(ctx.checkpoints, 4u);
}

TEST(Kernels, RunDispatchesEachIdToItsKernel) {
  FreeContext ctx;
  Call c;
  c.id = KernelId::Primes;
  c.args[0] = 1000;
  EXPECT_EQ(run(c, ctx), 168u);
  c = Call{};
  c.id = KernelId::Mandelbrot;
  c.args[0] = 37;
  c.args[1] = 23;
  c.args[2] = 100;
  EXPECT_EQ(run(c, ctx), 25002u);
  c = Call{};
  c.id = KernelId::Hash;
  c.args[0] = 1;
  c.args[1] = 1;
  EXPECT_EQ(run(c, ctx), 0x050c5d1fu);
  c = Call{};
  c.id = KernelId::Stream;
  c.args[0] = 1000003;
  c.args[1] = 3;
  EXPECT_EQ(run(c, ctx), 236966248u);
  c = Call{};
  c.id = KernelId::Mixed;
  c.args[0] = 10;
  c.args[1] = 10;
  c.args[2] = 2;
  EXPECT_EQ(run(c, ctx), 40u);
  c = Call{};
  c.id = KernelId::Noop;
  EXPECT_EQ(run(c, ctx), 0u);
}

// Every CPU kernel polls its context while it works, and once told "cancelled" it returns 0
// without calling the context again.
TEST(Kernels, CancellationStopsEveryKernelAtItsNextCheckpoint) {
  struct Case {
    KernelId id;
    uint64_t a0, a1, a2;
  };
  const std::vector<Case> cases = {
      {KernelId::Primes, 100'000'000, 0, 0},    {KernelId::Mandelbrot, 8192, 8192, 1'000'000},
      {KernelId::Hash, 1u << 20, 1'000'000, 0}, {KernelId::Spin, 60'000'000, 0, 0},
      {KernelId::Mixed, 10'000'000, 10, 1'000}, {KernelId::Stream, 1u << 20, 10'000, 0},
  };
  for (const Case& k : cases) {
    CountingContext ctx(/*cancelAfter=*/5);
    Call c;
    c.id = k.id;
    c.args[0] = k.a0;
    c.args[1] = k.a1;
    c.args[2] = k.a2;
    // Each of these would run for seconds to minutes; cancelled at the 6th checkpoint it stops.
    EXPECT_EQ(run(c, ctx), 0u) << kernelTable()[static_cast<size_t>(k.id)].name;
    EXPECT_EQ(ctx.checkpoints, 6u) << kernelTable()[static_cast<size_t>(k.id)].name;
    EXPECT_EQ(ctx.callsAfterCancel, 0u) << kernelTable()[static_cast<size_t>(k.id)].name;
  }
}

TEST(Kernels, CancellationDuringBlockingStopsMixedAndSleep) {
  CountingContext ctx(UINT64_MAX, /*blockOk=*/false);
  EXPECT_EQ(mixed(10, 10, 1000, ctx), 0u);
  EXPECT_EQ(ctx.blocks, 1u);
  EXPECT_EQ(ctx.callsAfterCancel, 0u);
  CountingContext ctx2(UINT64_MAX, false);
  EXPECT_EQ(sleep(1000, ctx2), 0u);
}

// The contract says a checkpoint at least every ~10 us of work, so that cancellation and drop
// requests are seen within about a millisecond. Measured as the longest stretch of thread CPU
// between two checkpoints, including setting up large buffers, with 200x slack for sanitizers
// and page faults (a 64 MiB buffer filled without checkpoints takes tens of ms).
#ifdef __SANITIZE_ADDRESS__
// AddressSanitizer poisons the shadow of a large allocation when it is made (about 5 ms for 64 MiB
// here), and that lands in the stretch before the first checkpoint.
constexpr uint64_t kMaxStretchNs = 15'000'000;
#else
constexpr uint64_t kMaxStretchNs = 2'000'000;
#endif

TEST(Kernels, NoLongStretchWithoutACheckpoint) {
  struct Case {
    KernelId id;
    uint64_t a0, a1, a2;
  };
  const std::vector<Case> cases = {
      {KernelId::Primes, 300'000, 0, 0}, {KernelId::Mandelbrot, 200, 200, 2000}, {KernelId::Hash, 64u << 20, 1, 0},
      {KernelId::Spin, 20'000, 0, 0},    {KernelId::Stream, 64u << 20, 1, 0},    {KernelId::Mixed, 2000, 100, 3},
  };
  for (const Case& k : cases) {
    tests::GapContext ctx;
    Call c;
    c.id = k.id;
    c.args[0] = k.a0;
    c.args[1] = k.a1;
    c.args[2] = k.a2;
    run(c, ctx);
    ASSERT_GT(ctx.checkpoints, 0u);
    EXPECT_LT(ctx.maxGapNs, kMaxStretchNs)
        << kernelTable()[static_cast<size_t>(k.id)].name << ": " << ctx.maxGapNs << " ns of CPU without a checkpoint";
  }
}

}  // namespace
}  // namespace gilscope::kernels
