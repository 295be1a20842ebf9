// The deadlock experiment: two threads, two locks, a wait-for graph, and a victim that backs out.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/thread_id.h"
#include "hazards/experiments.h"
#include "hazards/together.h"

namespace gilscope::hazards {
namespace {

constexpr uint64_t kSliceNs = 250'000;    // longest single timed try-lock; the graph is read after each
constexpr uint64_t kPauseNs = 1'000'000;  // Global: time between the two acquisitions, so a wait shows

enum class Outcome { Acquired, Victim, TimedOut };

// What a thread does between taking its first lock and asking for its second.
enum class Between { Rendezvous, Pause, Nothing };

class Experiment {
 public:
  Experiment(LockOrdering ordering, uint64_t timeoutNs) : ordering_(ordering), timeoutNs_(timeoutNs) {}

  // Thread t's whole run: one attempt (two locks, the critical section); as the victim, back out,
  // wait for the other thread to finish, and try once more.
  void run(int t, uint64_t startNs) {
    DeadlockThread& me = report_.threads[t];
    me.osThreadId = common::osThreadId();
    const uint64_t deadlineNs = startNs + timeoutNs_;
    const int first = (ordering_ == LockOrdering::Opposite && t == 1) ? 1 : 0;
    const Between between = ordering_ == LockOrdering::Opposite ? Between::Rendezvous : Between::Pause;
    Outcome o = attempt(t, first, between, deadlineNs);
    if (o == Outcome::Victim) {
      me.backedOut = true;
      const int other = 1 - t;
      while (!done_[other].load(std::memory_order_acquire) && common::monotonicNs() < deadlineNs) {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
      }
      if (done_[other].load(std::memory_order_acquire)) {
        o = attempt(t, first, Between::Nothing, deadlineNs);
      } else {
        timedOut_.store(true, std::memory_order_relaxed);
      }
    }
    done_[t].store(true, std::memory_order_release);
  }

  DeadlockReport finish(const Span& span) {
    report_.wallNs = span.endNs - span.startNs;
    report_.timedOut = timedOut_.load();
    report_.deadlocked = victim_ >= 0;
    report_.victim = victim_;
    report_.cycle = cycle_;
    report_.detectedAfterNs = victim_ >= 0 ? detectedNs_ - span.startNs : 0;
    return report_;
  }

 private:
  Outcome attempt(int t, int first, Between between, uint64_t deadlineNs) {
    const int second = 1 - first;
    Outcome o = acquire(t, first, deadlineNs);
    if (o != Outcome::Acquired) return o;
    if (between == Between::Rendezvous) {
      // Both must hold their first lock before either asks for its second: the cycle always forms.
      arrived_.fetch_add(1, std::memory_order_acq_rel);
      while (arrived_.load(std::memory_order_acquire) < 2) {
        if (common::monotonicNs() >= deadlineNs) {
          timedOut_.store(true, std::memory_order_relaxed);
          release(first);
          return Outcome::TimedOut;
        }
        std::this_thread::yield();
      }
    } else if (between == Between::Pause) {
      const uint64_t now = common::monotonicNs();
      if (now < deadlineNs) std::this_thread::sleep_for(std::chrono::nanoseconds(std::min(kPauseNs, deadlineNs - now)));
    }
    o = acquire(t, second, deadlineNs);
    if (o != Outcome::Acquired) {
      release(first);  // back out: the other thread can now take it
      return o;
    }
    report_.threads[t].completed = true;  // the critical section: both locks held
    release(second);
    release(first);
    return Outcome::Acquired;
  }

  // Waits for lock l in timed try-locks of at most kSliceNs, reading the wait-for graph after each
  // failed one. Ends by deadlineNs.
  Outcome acquire(int t, int l, uint64_t deadlineNs) {
    const uint64_t waitStartNs = common::monotonicNs();
    {
      std::lock_guard<std::mutex> g(graph_);
      waitsFor_[t] = l;
    }
    Outcome o;
    for (;;) {
      const uint64_t now = common::monotonicNs();
      if (now >= deadlineNs) {
        timedOut_.store(true, std::memory_order_relaxed);
        o = Outcome::TimedOut;
        break;
      }
      if (locks_[l].try_lock_for(std::chrono::nanoseconds(std::min(kSliceNs, deadlineNs - now)))) {
        o = Outcome::Acquired;
        break;
      }
      std::lock_guard<std::mutex> g(graph_);
      if (victim_ < 0 && cycleThrough(t)) {
        victim_ = t;
        detectedNs_ = common::monotonicNs();
        cycle_ = snapshot();
        o = Outcome::Victim;
        break;
      }
    }
    {
      std::lock_guard<std::mutex> g(graph_);
      waitsFor_[t] = -1;
      if (o == Outcome::Acquired) holder_[l] = t;
    }
    uint64_t& longest = report_.threads[t].longestWaitNs;
    longest = std::max(longest, common::monotonicNs() - waitStartNs);
    return o;
  }

  void release(int l) {
    {
      std::lock_guard<std::mutex> g(graph_);
      holder_[l] = -1;
    }
    locks_[l].unlock();
  }

  // Under graph_: following "waits for a lock held by" from t leads back to t.
  bool cycleThrough(int t) const {
    int cur = t;
    for (int step = 0; step < 2; ++step) {
      const int l = waitsFor_[cur];
      if (l < 0) return false;
      const int h = holder_[l];
      if (h < 0) return false;
      if (h == t) return true;
      cur = h;
    }
    return false;
  }

  // Under graph_: each thread's held locks and awaited lock.
  std::vector<WaitEdge> snapshot() const {
    std::vector<WaitEdge> edges;
    for (int i = 0; i < 2; ++i) {
      WaitEdge e;
      e.thread = i;
      for (int l = 0; l < 2; ++l) {
        if (holder_[l] == i) e.holdsMask |= 1u << l;
      }
      e.waitsFor = waitsFor_[i];
      edges.push_back(e);
    }
    return edges;
  }

  const LockOrdering ordering_;
  const uint64_t timeoutNs_;
  std::timed_mutex locks_[2];
  std::mutex graph_;  // guards holder_, waitsFor_, victim_, detectedNs_, cycle_
  int holder_[2] = {-1, -1};
  int waitsFor_[2] = {-1, -1};
  int victim_ = -1;
  uint64_t detectedNs_ = 0;
  std::vector<WaitEdge> cycle_;
  std::atomic<int> arrived_{0};
  std::atomic<bool> done_[2] = {false, false};
  std::atomic<bool> timedOut_{false};
  DeadlockReport report_;  // threads[t] written by thread t only
};

}  // namespace

DeadlockReport runDeadlock(uint64_t timeoutMs, LockOrdering ordering) {
  Experiment e(ordering, common::msToNs(timeoutMs));
  const Span span = runTogether(2, [&e](uint32_t i, uint64_t startNs) { e.run(static_cast<int>(i), startNs); });
  return e.finish(span);
}

}  // namespace gilscope::hazards
