// The livelock experiment: two polite threads stepping into one corridor on a shared slot clock.
#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "common/clock.h"
#include "common/thread_id.h"
#include "hazards/experiments.h"
#include "hazards/together.h"

namespace gilscope::hazards {
namespace {

constexpr uint64_t kSlotNs = 1'000'000;
// Longer than the scatter of two threads waking for the same slot (tens of microseconds), far
// shorter than a slot. Threads sleep through it: the experiment needs no free core to spin on.
constexpr uint64_t kWindowNs = 300'000;
constexpr unsigned kMaxRandomSlots = 4;

void sleepUntil(uint64_t targetNs) {
  const uint64_t now = common::monotonicNs();
  if (now < targetNs) std::this_thread::sleep_for(std::chrono::nanoseconds(targetNs - now));
}

// Who is in the corridor. lastOutNs is written before intent is cleared, so a thread that steps in
// at inNs saw the other during its window iff, at the window's end, the other is still in or left
// after inNs: both of two overlapping windows see the overlap.
struct Corridor {
  std::atomic<bool> intent[2] = {false, false};
  std::atomic<uint64_t> lastOutNs[2] = {0, 0};
  std::atomic<int> inside{0};
  std::atomic<uint64_t> violations{0};

  void stepOut(int me) {
    lastOutNs[me].store(common::monotonicNs());
    intent[me].store(false);
  }
  bool otherWasIn(int other, uint64_t inNs) const { return intent[other].load() || lastOutNs[other].load() >= inNs; }
};

LivelockThread walk(Corridor& c, int me, Backoff backoff, uint64_t startNs, uint64_t deadlineNs) {
  LivelockThread stats;
  const int other = 1 - me;
  std::minstd_rand rng(static_cast<unsigned>(common::osThreadId()) * 2654435761u + static_cast<unsigned>(startNs) + me);
  uint64_t slot = 1;  // slot 0 starts at the barrier release: leave the threads time to get going
  for (;;) {
    // Never step into a slot that has already begun: a late thread waits for the next one.
    const uint64_t nowSlot = (common::monotonicNs() - startNs) / kSlotNs;
    if (slot <= nowSlot) slot = nowSlot + 1;
    const uint64_t slotStartNs = startNs + slot * kSlotNs;
    if (slotStartNs + kWindowNs > deadlineNs) break;
    sleepUntil(slotStartNs);
    ++stats.attempts;
    const uint64_t inNs = common::monotonicNs();
    c.intent[me].store(true);
    sleepUntil(inNs + kWindowNs);  // stepped in, watching
    if (c.otherWasIn(other, inNs)) {
      c.stepOut(me);
      ++stats.backoffs;
      slot += backoff == Backoff::Lockstep ? 1 : 1 + rng() % kMaxRandomSlots;
      continue;
    }
    if (c.inside.fetch_add(1) != 0) c.violations.fetch_add(1);
    ++stats.progress;
    c.inside.fetch_sub(1);
    c.stepOut(me);
    slot += 1;
  }
  return stats;
}

}  // namespace

LivelockReport runLivelock(uint64_t durationMs, Backoff backoff) {
  Corridor corridor;
  LivelockReport r;
  const uint64_t durationNs = common::msToNs(durationMs);
  const Span span = runTogether(2, [&](uint32_t i, uint64_t startNs) {
    r.threads[i] = walk(corridor, static_cast<int>(i), backoff, startNs, startNs + durationNs);
  });
  for (const LivelockThread& t : r.threads) {
    r.attempts += t.attempts;
    r.progress += t.progress;
    r.backoffs += t.backoffs;
  }
  r.exclusionViolations = corridor.violations.load();
  r.slotNs = kSlotNs;
  r.windowNs = kWindowNs;
  r.wallNs = span.endNs - span.startNs;
  return r;
}

}  // namespace gilscope::hazards
