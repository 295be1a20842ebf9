// The kernel table and the dispatcher.
#include "kernels/kernels.h"

namespace gilscope::kernels {
namespace {

constexpr uint64_t kMiB = 1024ull * 1024ull;

// Ranges keep every single task allocatable (buffers at most 256 MiB) and finite (at most about a
// minute on one core for the largest inputs).
constexpr KernelSpec kTable[] = {
    {KernelId::Noop, "noop", 0, {}},
    {KernelId::Primes, "primes", 1, {{"n", 0, 100'000'000}}},
    {KernelId::Mandelbrot, "mandelbrot", 3, {{"width", 1, 8192}, {"height", 1, 8192}, {"maxIter", 1, 1'000'000}}},
    {KernelId::Hash, "hash", 2, {{"bytes", 1, 256 * kMiB}, {"rounds", 1, 1'000'000}}},
    {KernelId::Spin, "spin", 1, {{"cpuUs", 0, 60'000'000}}},
    {KernelId::Sleep, "sleep", 1, {{"us", 0, 60'000'000}}},
    {KernelId::Mixed, "mixed", 3, {{"computeUs", 0, 10'000'000}, {"waitUs", 0, 10'000'000}, {"repeats", 1, 1'000'000}}},
    {KernelId::Stream, "stream", 2, {{"bytes", 4, 256 * kMiB}, {"passes", 1, 10'000}}},
};

}  // namespace

const KernelSpec* kernelTable() { return kTable; }
size_t kernelCount() { return sizeof(kTable) / sizeof(kTable[0]); }

const KernelSpec* findKernel(std::string_view name) {
  for (const auto& k : kTable) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

const ParamSpec* firstOutOfRange(const Call& call) {
  const KernelSpec& k = kTable[static_cast<size_t>(call.id)];
  for (int i = 0; i < k.paramCount; ++i) {
    if (call.args[i] < k.params[i].min || call.args[i] > k.params[i].max) return &k.params[i];
  }
  return nullptr;
}

uint64_t run(const Call& call, Context& ctx) {
  const uint64_t* a = call.args;
  switch (call.id) {
    case KernelId::Noop:
      return noop();
    case KernelId::Primes:
      return primes(a[0], ctx);
    case KernelId::Mandelbrot:
      return mandelbrot(a[0], a[1], a[2], ctx);
    case KernelId::Hash:
      return hash(a[0], a[1], ctx);
    case KernelId::Spin:
      return spin(a[0], ctx);
    case KernelId::Sleep:
      return sleep(a[0], ctx);
    case KernelId::Mixed:
      return mixed(a[0], a[1], a[2], ctx);
    case KernelId::Stream:
      return stream(a[0], a[1], ctx);
  }
  return 0;
}

}  // namespace gilscope::kernels
