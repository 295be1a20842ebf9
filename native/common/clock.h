// Clock reads and unit conversions: header-only, plain POSIX, no other gilscope header. Shared by
// kernels/, hazards/, runtime/ and the standalone helper/, so none of them needs another's layer.
// One clock per purpose:
//   wall time:  CLOCK_MONOTONIC (the clock of process.hrtime.bigint(), so native and JS agree);
//   thread CPU: CLOCK_THREAD_CPUTIME_ID (exact to the nanosecond).
#pragma once

#include <sys/time.h>
#include <time.h>

#include <cstdint>

namespace gilscope::common {

// A timespec as nanoseconds; ts is non-negative, as every clock_gettime() reading is.
inline uint64_t toNs(const timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// A timeval (rusage's user and system times) as microseconds; tv is non-negative.
inline uint64_t toUs(const timeval& tv) {
  return static_cast<uint64_t>(tv.tv_sec) * 1'000'000ull + static_cast<uint64_t>(tv.tv_usec);
}

// Microseconds as nanoseconds (exact for us < 2^64 / 1000, about 584 000 years).
constexpr uint64_t usToNs(uint64_t us) { return us * 1'000ull; }

// Milliseconds as nanoseconds (exact for ms < 2^64 / 10^6, about 584 years).
constexpr uint64_t msToNs(uint64_t ms) { return ms * 1'000'000ull; }

// CLOCK_MONOTONIC now, in ns: never goes back; the wall clock of every report and trace event.
inline uint64_t monotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return toNs(ts);
}

// The calling thread's CPU time in ns (CLOCK_THREAD_CPUTIME_ID): grows only while it runs.
inline uint64_t threadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return toNs(ts);
}

}  // namespace gilscope::common
