// The kernels: pure C++ work with a deterministic result. No Node, no threads, no locks here, and
// nothing of runtime/ (common/ only); a kernel only talks to whoever runs it through
// kernels::Context (see context.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kernels/context.h"

namespace gilscope::kernels {

enum class KernelId : uint8_t { Noop, Primes, Mandelbrot, Hash, Spin, Sleep, Mixed, Stream };

constexpr int kMaxParams = 3;

// One integer parameter and its accepted closed range [min, max].
struct ParamSpec {
  const char* name;
  uint64_t min;
  uint64_t max;
};

struct KernelSpec {
  KernelId id;
  const char* name;
  int paramCount;
  ParamSpec params[kMaxParams];
};

// A kernel and its arguments, in the order of KernelSpec::params. Plain data: safe to copy to any thread.
struct Call {
  KernelId id = KernelId::Noop;
  uint64_t args[kMaxParams] = {0, 0, 0};
};

// The table of all kernels, indexed by static_cast<size_t>(KernelId). The TypeScript catalog
// (src/kernels/catalog.ts) mirrors it; a test checks that the two agree.
const KernelSpec* kernelTable();
size_t kernelCount();
// nullptr when no kernel has that name.
const KernelSpec* findKernel(std::string_view name);
// nullptr when every argument lies in its range; otherwise the first parameter out of range.
// call.id must be a valid id (< kernelCount()). The native tests use it; the addon checks each
// argument against the same table as it unpacks it (bindings toCall), before anything runs, so a
// kernel may assume its arguments are in range.
const ParamSpec* firstOutOfRange(const Call& call);

// Runs call on the calling thread. Returns the kernel's result, or 0 when ctx reported cancellation
// (the caller must then discard the result). Throws std::bad_alloc when a buffer cannot be allocated.
uint64_t run(const Call& call, Context& ctx);

// The kernels themselves. Each returns a value that depends on every unit of work done, so the
// compiler cannot drop the work; each calls ctx.checkpoint() at least every ~10 us of work.

// 0. The empty kernel: dispatch cost only.
uint64_t noop();
// Number of primes p < n, by trial division (integer, branchy).
uint64_t primes(uint64_t n, Context& ctx);
// Sum of escape iterations over a width x height grid of [-2, 0.5] x [-1.25, 1.25] (floating point).
uint64_t mandelbrot(uint64_t width, uint64_t height, uint64_t maxIter, Context& ctx);
// 32-bit FNV-1a, continued over `rounds` passes of a generated buffer of `bytes` bytes
// (byte i = (i * 2654435761 mod 2^32) >> 24).
uint64_t hash(uint64_t bytes, uint64_t rounds, Context& ctx);
// Burns cpuUs microseconds of this thread's CPU time (checked against CLOCK_THREAD_CPUTIME_ID).
// Returns cpuUs.
uint64_t spin(uint64_t cpuUs, Context& ctx);
// Blocks for us microseconds without using CPU (the stand-in for I/O). Returns us.
uint64_t sleep(uint64_t us, Context& ctx);
// `repeats` times: spin(computeUs) then sleep(waitUs). Returns repeats * (computeUs + waitUs).
uint64_t mixed(uint64_t computeUs, uint64_t waitUs, uint64_t repeats, Context& ctx);
// Memory-bound: `passes` sweeps over bytes/4 uint32 words, a[i] = a[i] * 3 + pass, summing the
// new values mod 2^32 (start a[i] = i * 2654435761 mod 2^32). Returns the sum.
uint64_t stream(uint64_t bytes, uint64_t passes, Context& ctx);

}  // namespace gilscope::kernels
