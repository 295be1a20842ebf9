// CPU-bound kernels: integer (primes), floating point (mandelbrot), byte-wise hashing (hash).
#include <cstdint>
#include <memory>

#include "kernels/kernels.h"

namespace gilscope::kernels {

uint64_t noop() { return 0; }

uint64_t primes(uint64_t n, Context& ctx) {
  // n <= 1e8 (see the table), so 32-bit arithmetic is exact and faster.
  uint64_t count = 0;
  for (uint32_t k = 2; k < n; ++k) {
    if ((k & 63u) == 0 && !ctx.checkpoint()) return 0;
    bool prime = true;
    if (k > 2 && k % 2u == 0) {
      prime = false;
    } else {
      for (uint32_t d = 3; d * d <= k; d += 2) {
        if (k % d == 0) {
          prime = false;
          break;
        }
      }
    }
    count += prime ? 1 : 0;
  }
  return count;
}

uint64_t mandelbrot(uint64_t width, uint64_t height, uint64_t maxIter, Context& ctx) {
  // Built with -ffp-contract=off so every operation rounds as in the TypeScript reference.
  uint64_t total = 0;
  const double w = static_cast<double>(width);
  const double h = static_cast<double>(height);
  for (uint64_t y = 0; y < height; ++y) {
    const double cy = -1.25 + (2.5 * static_cast<double>(y)) / h;
    for (uint64_t x = 0; x < width; ++x) {
      const double cx = -2.0 + (2.5 * static_cast<double>(x)) / w;
      double zx = 0.0;
      double zy = 0.0;
      uint64_t i = 0;
      while (i < maxIter && zx * zx + zy * zy <= 4.0) {
        const double t = zx * zx - zy * zy + cx;
        zy = 2.0 * zx * zy + cy;
        zx = t;
        ++i;
        if ((i & 1023u) == 0 && !ctx.checkpoint()) return 0;
      }
      total += i;
      if ((x & 7u) == 0 && !ctx.checkpoint()) return 0;
    }
  }
  return total;
}

uint64_t hash(uint64_t bytes, uint64_t rounds, Context& ctx) {
  constexpr uint64_t kChunk = 4096;  // about 4 us of hashing between checkpoints
  // Not zero-filled by the allocation: the generating fill is the first touch, with checkpoints.
  std::unique_ptr<uint8_t[]> buffer(new uint8_t[bytes]);
  for (uint64_t start = 0; start < bytes; start += kChunk) {
    if (!ctx.checkpoint()) return 0;
    const uint64_t end = start + kChunk < bytes ? start + kChunk : bytes;
    for (uint64_t i = start; i < end; ++i) {
      buffer[i] = static_cast<uint8_t>((static_cast<uint32_t>(i) * 2654435761u) >> 24);
    }
  }
  uint32_t h = 2166136261u;
  for (uint64_t r = 0; r < rounds; ++r) {
    for (uint64_t start = 0; start < bytes; start += kChunk) {
      if (!ctx.checkpoint()) return 0;
      const uint64_t end = start + kChunk < bytes ? start + kChunk : bytes;
      for (uint64_t i = start; i < end; ++i) {
        h ^= buffer[i];
        h *= 16777619u;
      }
    }
  }
  return h;
}

}  // namespace gilscope::kernels
