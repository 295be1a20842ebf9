// Memory-bandwidth-bound kernel.
#include <cstdint>
#include <memory>

#include "kernels/kernels.h"

namespace gilscope::kernels {

uint64_t stream(uint64_t bytes, uint64_t passes, Context& ctx) {
  const uint64_t words = bytes / 4;
  constexpr uint64_t kChunk = 16384;  // 64 KiB between checkpoints: a few microseconds
  // Not zero-filled by the allocation: the fill below is the first touch, in chunks, so a large
  // buffer is set up with checkpoints too (cancellation and drop requests are seen meanwhile).
  std::unique_ptr<uint32_t[]> a(new uint32_t[words]);
  for (uint64_t start = 0; start < words; start += kChunk) {
    if (!ctx.checkpoint()) return 0;
    const uint64_t end = start + kChunk < words ? start + kChunk : words;
    for (uint64_t i = start; i < end; ++i) a[i] = static_cast<uint32_t>(i) * 2654435761u;
  }
  uint32_t sum = 0;
  for (uint64_t p = 0; p < passes; ++p) {
    const uint32_t add = static_cast<uint32_t>(p);
    for (uint64_t start = 0; start < words; start += kChunk) {
      if (!ctx.checkpoint()) return 0;
      const uint64_t end = start + kChunk < words ? start + kChunk : words;
      for (uint64_t i = start; i < end; ++i) {
        const uint32_t v = a[i] * 3u + add;
        a[i] = v;
        sum += v;
      }
    }
  }
  return sum;
}

}  // namespace gilscope::kernels
