// The starvation experiment: threads hammer one lock, unfair (std::mutex) or FIFO (ticket lock).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <vector>

#include "common/clock.h"
#include "hazards/experiments.h"
#include "hazards/together.h"

namespace gilscope::hazards {
namespace {

// A FIFO ticket lock: a request takes the next ticket with one atomic increment (so it is in line
// the moment it is made: nothing it could be overtaken on), and the lock is granted strictly in
// ticket order. A waiter spins briefly, then sleeps on its ticket's own slot; the releaser wakes only
// the next ticket's slot. Sleeping waiters keep the lock fair when threads outnumber cores.
class TicketLock {
 public:
  void lock() {
    const uint64_t mine = next_.fetch_add(1, std::memory_order_relaxed);
    if (serving_.load(std::memory_order_acquire) == mine) return;
    Slot& slot = slots_[mine % kMaxThreads];
    std::unique_lock<std::mutex> g(slot.mutex);
    slot.wake.wait(g, [this, mine] { return serving_.load(std::memory_order_acquire) == mine; });
  }

  // Only the holder calls it. At most kMaxThreads tickets are outstanding (one per thread), so the
  // next ticket's slot has no other waiter.
  void unlock() {
    const uint64_t next = serving_.load(std::memory_order_relaxed) + 1;
    Slot& slot = slots_[next % kMaxThreads];
    {
      std::lock_guard<std::mutex> g(slot.mutex);  // a waiter checks serving_ under it: no lost wakeup
      serving_.store(next, std::memory_order_release);
    }
    slot.wake.notify_all();
  }

 private:
  struct Slot {
    std::mutex mutex;
    std::condition_variable wake;
  };
  alignas(64) std::atomic<uint64_t> next_{0};
  alignas(64) std::atomic<uint64_t> serving_{0};
  Slot slots_[kMaxThreads];
};

// The two locks behind one interface for contend().
struct UnfairLock {
  std::mutex& mutex;
  void lock() { mutex.lock(); }
  void unlock() { mutex.unlock(); }
};
struct FairLock {
  TicketLock& ticket;
  void lock() { ticket.lock(); }
  void unlock() { ticket.unlock(); }
};

// How long each acquisition holds the lock, working. Long next to a wake-up, so the lock's policy
// (who gets it next) decides the shares, not how fast a thread happens to be re-scheduled.
constexpr uint64_t kHoldNs = 20'000;

// The state the lock protects, and kHoldNs of work on it.
struct Guarded {
  uint64_t count = 0;
  uint64_t state = 1;
  void work() {
    ++count;
    const uint64_t startNs = common::monotonicNs();
    do {
      for (int k = 0; k < 16; ++k) state = state * 6364136223846793005ull + 1442695040888963407ull;
    } while (common::monotonicNs() - startNs < kHoldNs);
  }
};

// Loops request, lock, work, unlock until deadlineNs. Only contended acquisitions count: those
// requested while another thread was waiting for or holding the lock. Fairness is how a lock
// arbitrates between competing requests; a thread that runs alone (the others have not asked yet,
// or the OS is not running them) is not starving anyone. `requesting` counts threads from their
// request to the end of their critical section.
template <typename Lock>
StarvationThread contend(Lock& lock, Guarded& guarded, std::atomic<uint32_t>& requesting, uint64_t deadlineNs,
                         uint64_t& uncontended) {
  StarvationThread me;
  while (common::monotonicNs() < deadlineNs) {
    const bool contended = requesting.fetch_add(1, std::memory_order_acq_rel) > 0;
    const uint64_t requestNs = common::monotonicNs();
    lock.lock();
    const uint64_t waitedNs = common::monotonicNs() - requestNs;
    guarded.work();
    requesting.fetch_sub(1, std::memory_order_acq_rel);
    lock.unlock();
    if (!contended) {
      ++uncontended;
      continue;
    }
    ++me.acquisitions;
    me.totalWaitNs += waitedNs;
    me.longestWaitNs = std::max(me.longestWaitNs, waitedNs);
  }
  return me;
}

}  // namespace

double jainIndex(const std::vector<uint64_t>& shares) {
  double sum = 0;
  double sumSquares = 0;
  for (uint64_t s : shares) {
    const double x = static_cast<double>(s);
    sum += x;
    sumSquares += x * x;
  }
  if (sumSquares == 0) return std::numeric_limits<double>::quiet_NaN();
  return (sum * sum) / (static_cast<double>(shares.size()) * sumSquares);
}

StarvationReport runStarvation(uint32_t threads, uint64_t durationMs, StarvationLock lock) {
  std::mutex mutex;
  TicketLock ticket;
  Guarded guarded;
  std::atomic<uint32_t> requesting{0};
  std::vector<uint64_t> uncontended(threads, 0);
  StarvationReport r;
  r.threads.resize(threads);
  const uint64_t durationNs = common::msToNs(durationMs);
  const Span span = runTogether(threads, [&](uint32_t i, uint64_t startNs) {
    const uint64_t deadlineNs = startNs + durationNs;
    if (lock == StarvationLock::Fair) {
      FairLock fair{ticket};
      r.threads[i] = contend(fair, guarded, requesting, deadlineNs, uncontended[i]);
    } else {
      UnfairLock unfair{mutex};
      r.threads[i] = contend(unfair, guarded, requesting, deadlineNs, uncontended[i]);
    }
  });
  r.wallNs = span.endNs - span.startNs;
  r.guardedCount = guarded.count;
  for (uint64_t u : uncontended) r.uncontendedAcquisitions += u;
  std::vector<uint64_t> shares;
  for (const StarvationThread& t : r.threads) {
    shares.push_back(t.acquisitions);
    r.longestWaitNs = std::max(r.longestWaitNs, t.longestWaitNs);
  }
  r.fairnessIndex = jainIndex(shares);
  return r;
}

}  // namespace gilscope::hazards
