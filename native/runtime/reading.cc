#include "runtime/reading.h"

#include <sys/resource.h>

namespace gilscope::runtime {
namespace {

// ns per call of fn over `calls` calls, on CLOCK_MONOTONIC.
template <typename Fn>
double perCall(uint64_t calls, Fn fn) {
  const uint64_t t0 = common::monotonicNs();
  for (uint64_t i = 0; i < calls; ++i) fn();
  return static_cast<double>(common::monotonicNs() - t0) / static_cast<double>(calls);
}

}  // namespace

ReadingCosts measureReadingCosts(uint64_t calls) {
  ReadingCosts c;
  volatile uint64_t sink = 0;  // keeps every call's result alive
  c.monotonicNs = perCall(calls, [&] { sink = sink + common::monotonicNs(); });
  c.threadCpuNs = perCall(calls, [&] { sink = sink + common::threadCpuNs(); });
  c.rusageNs = perCall(calls, [&] {
    rusage ru{};
#ifdef RUSAGE_THREAD
    getrusage(RUSAGE_THREAD, &ru);
#endif
    sink = sink + static_cast<uint64_t>(ru.ru_nvcsw);
  });
  if (runQueueNs() >= 0) c.schedstatNs = perCall(calls, [&] { sink = sink + static_cast<uint64_t>(runQueueNs()); });
  c.readingNs = perCall(calls, [&] { sink = sink + readThread().afterNs; });
  return c;
}

}  // namespace gilscope::runtime
