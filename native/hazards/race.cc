// The race-condition experiment: one shared counter, four ways to increment it.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

#include "common/clock.h"
#include "hazards/experiments.h"
#include "hazards/together.h"

namespace gilscope::hazards {
namespace {

constexpr uint64_t kChunk = 4096;  // increments between two looks at the clock

// A counter alone on its cache line, so unrelated data never shares its line.
struct alignas(64) PaddedCounter {
  std::atomic<uint64_t> value{0};
};

// Calls inc() up to n times, looking at the clock every kChunk calls; stops at deadlineNs.
// Returns how many calls it made.
template <typename Inc>
uint64_t incrementUntil(uint64_t n, uint64_t deadlineNs, Inc inc) {
  uint64_t done = 0;
  while (done < n) {
    const uint64_t chunk = std::min(kChunk, n - done);
    for (uint64_t i = 0; i < chunk; ++i) inc();
    done += chunk;
    if (done < n && common::monotonicNs() >= deadlineNs) break;
  }
  return done;
}

}  // namespace

RaceReport runRace(uint32_t threads, uint64_t increments, RaceStrategy strategy, uint64_t timeLimitMs) {
  PaddedCounter shared;
  std::mutex mutex;
  uint64_t guarded = 0;  // the Mutex strategy's counter, only touched under mutex
  std::vector<PaddedCounter> shards(threads);
  std::vector<uint64_t> performed(threads, 0);
  const uint64_t limitNs = common::msToNs(timeLimitMs);

  const Span span = runTogether(threads, [&](uint32_t i, uint64_t startNs) {
    const uint64_t deadlineNs = startNs + limitNs;
    uint64_t done = 0;
    switch (strategy) {
      case RaceStrategy::Racy:
        // Two atomic operations with a window between them: a thread that stores after another
        // thread's store (both having loaded the same value) overwrites it: a lost update.
        done = incrementUntil(increments, deadlineNs, [&shared] {
          const uint64_t v = shared.value.load(std::memory_order_relaxed);
          shared.value.store(v + 1, std::memory_order_relaxed);
        });
        break;
      case RaceStrategy::Mutex:
        done = incrementUntil(increments, deadlineNs, [&mutex, &guarded] {
          std::lock_guard<std::mutex> hold(mutex);
          ++guarded;
        });
        break;
      case RaceStrategy::Atomic:
        done =
            incrementUntil(increments, deadlineNs, [&shared] { shared.value.fetch_add(1, std::memory_order_relaxed); });
        break;
      case RaceStrategy::Sharded: {
        // Only this thread writes its shard, so load-then-store loses nothing. Atomics keep the
        // compiler from folding the loop into one addition (the cost per increment stays honest).
        std::atomic<uint64_t>& mine = shards[i].value;
        done = incrementUntil(increments, deadlineNs, [&mine] {
          mine.store(mine.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        });
        break;
      }
    }
    performed[i] = done;
  });

  RaceReport r;
  r.threads = threads;
  r.incrementsPerThread = increments;
  for (uint64_t p : performed) r.expected += p;
  switch (strategy) {
    case RaceStrategy::Racy:
    case RaceStrategy::Atomic:
      r.actual = shared.value.load();
      break;
    case RaceStrategy::Mutex:
      r.actual = guarded;
      break;
    case RaceStrategy::Sharded:
      for (const PaddedCounter& s : shards) r.actual += s.value.load();
      break;
  }
  r.lostUpdates = r.expected > r.actual ? r.expected - r.actual : 0;
  r.wallNs = span.endNs - span.startNs;
  r.nsPerIncrement = r.expected > 0 ? static_cast<double>(r.wallNs) / static_cast<double>(r.expected) : 0;
  r.stoppedEarly = r.expected < static_cast<uint64_t>(threads) * increments;
  return r;
}

}  // namespace gilscope::hazards
