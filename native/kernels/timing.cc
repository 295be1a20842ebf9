// Kernels defined by time: spin (CPU time), sleep (blocked time) and mixed (both, alternating).
#include <chrono>
#include <cstdint>
#include <thread>

#include "common/clock.h"
#include "common/cpu_budget.h"
#include "kernels/kernels.h"

namespace gilscope::kernels {
namespace {

// Burns cpuUs of this thread's CPU; false when cancelled. Whether the budget is spent is looked at
// about every microsecond of work, mostly on the monotonic clock (common/cpu_budget.h: the thread
// CPU clock, a system call, is read only when the budget could be spent), so the burn overshoots
// by a few microseconds at most and, like CPython's eval loop, hardly enters the kernel.
// The checkpoint comes eight times as often, every ~130 ns of work (131-132 ns of CPU per 64 rounds,
// measured on the 2-core VM at load 0.3): under the emulated GIL that is
// how soon a drop request is answered, as CPython's eval loop answers it within a few bytecodes
// (and how soon matters: a waiter that has just set the request and is not yet asleep in its wait
// can take the lock at once; runtime/gil.h).
bool burn(uint64_t cpuUs, Context& ctx) {
  common::CpuBudget budget(common::usToNs(cpuUs));
  uint32_t x = 2463534242u;
  while (!budget.spent()) {
    for (int chunk = 0; chunk < 8; ++chunk) {
      for (int i = 0; i < 64; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
      }
      // Keep x alive so the loop is not removed.
      asm volatile("" : : "r"(x) : "memory");
      if (!ctx.checkpoint()) return false;
    }
  }
  return true;
}

}  // namespace

bool FreeContext::block(uint64_t us) {
  std::this_thread::sleep_for(std::chrono::microseconds(us));
  return true;
}

uint64_t spin(uint64_t cpuUs, Context& ctx) { return burn(cpuUs, ctx) ? cpuUs : 0; }

uint64_t sleep(uint64_t us, Context& ctx) { return ctx.block(us) ? us : 0; }

uint64_t mixed(uint64_t computeUs, uint64_t waitUs, uint64_t repeats, Context& ctx) {
  for (uint64_t r = 0; r < repeats; ++r) {
    if (!burn(computeUs, ctx)) return 0;
    if (!ctx.block(waitUs)) return 0;
  }
  return repeats * (computeUs + waitUs);
}

}  // namespace gilscope::kernels
