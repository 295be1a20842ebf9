// Concurrency hazards as experiments on real threads: a race condition (lost updates), deadlock,
// starvation and livelock. Plain C++ (no Node). Each experiment starts its own std::threads behind
// one barrier (together.h), joins every one of them before it returns, and ends within its time bound even
// when the hazard happens. Wall times are CLOCK_MONOTONIC (common/clock.h). Nothing here uses runtime/.
// Each function throws std::system_error only when its threads cannot be created; any thread
// already started has then been joined. Arguments must already be in range (the bindings check).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

namespace gilscope::hazards {

// Accepted ranges (inclusive); the bindings reject anything outside them; hazardTable() gives them to JS.
constexpr uint32_t kMaxThreads = 64;
constexpr uint64_t kMaxIncrements = 100'000'000;
constexpr uint64_t kMaxMs = 10'000;  // timeLimitMs, timeoutMs, durationMs: 1 .. kMaxMs

// ---- Race condition -------------------------------------------------------------------------

enum class RaceStrategy {
  Racy,     // load, then store load+1: two separate relaxed atomic operations (lost updates, no UB)
  Mutex,    // ++ under one std::mutex
  Atomic,   // one fetch_add
  Sharded,  // each thread its own cache-line-sized counter, summed after the join
};
// Each strategy's name, in declaration order: the index is the enumerator (JS names a strategy so).
inline constexpr const char* kRaceStrategyNames[] = {"racy", "mutex", "atomic", "sharded"};
static_assert(std::size(kRaceStrategyNames) == static_cast<size_t>(RaceStrategy::Sharded) + 1, "one name each");

struct RaceReport {
  uint32_t threads = 0;
  uint64_t incrementsPerThread = 0;  // as asked
  // Increments performed, all threads together: threads * incrementsPerThread unless stoppedEarly.
  uint64_t expected = 0;
  // The shared counter's final value. Invariant: actual <= expected (a store of load+1 can only lose
  // increments, never invent one); actual == expected for every strategy but Racy.
  uint64_t actual = 0;
  uint64_t lostUpdates = 0;   // expected - actual
  uint64_t wallNs = 0;        // barrier released to last thread joined
  double nsPerIncrement = 0;  // wallNs / expected: wall time per increment, all threads together
  bool stoppedEarly = false;  // the time limit came before every thread finished its increments
};

// Each of `threads` threads adds 1 to a shared counter `increments` times, all released together.
// Threads look at the clock every 4096 increments and stop at timeLimitMs after the barrier released them.
RaceReport runRace(uint32_t threads, uint64_t increments, RaceStrategy strategy, uint64_t timeLimitMs);

// ---- Deadlock --------------------------------------------------------------------------------

enum class LockOrdering {
  Opposite,  // thread 0 takes lock 0 then lock 1, thread 1 takes lock 1 then lock 0
  Global,    // both take lock 0 then lock 1: a wait-for cycle cannot form
};
// Each ordering's name, in declaration order: the index is the enumerator.
inline constexpr const char* kLockOrderingNames[] = {"opposite", "global"};
static_assert(std::size(kLockOrderingNames) == static_cast<size_t>(LockOrdering::Global) + 1, "one name each");

// One thread of the wait-for graph: the locks it holds (bit i = lock i) and the lock it waits for.
struct WaitEdge {
  int thread = -1;
  unsigned holdsMask = 0;
  int waitsFor = -1;  // -1: not waiting
};

struct DeadlockThread {
  int64_t osThreadId = 0;
  bool completed = false;      // held both locks and ran its critical section
  bool backedOut = false;      // was the victim: released its lock to break the cycle, then retried
  uint64_t longestWaitNs = 0;  // its longest single wait for one lock
};

struct DeadlockReport {
  bool deadlocked = false;       // a cycle was found in the wait-for graph
  uint64_t detectedAfterNs = 0;  // barrier release to the cycle's detection; 0 when !deadlocked
  std::vector<WaitEdge> cycle;   // the graph at detection, one edge per thread; empty when !deadlocked
  int victim = -1;               // the thread that backed out; -1 when !deadlocked
  bool timedOut = false;         // some wait reached the deadline and gave up (hard bound)
  DeadlockThread threads[2];
  uint64_t wallNs = 0;
};

// Two threads each take two std::timed_mutex locks, in opposite or in one global order. With
// Opposite they meet at a rendezvous once each holds its first lock, so the cycle forms every time.
// A waiter blocks in timed try-locks of at most 250 us; after each failed one it consults the
// wait-for graph; the first to find a cycle is the victim: it releases its lock (the other thread
// then completes), waits for the other to finish, and retries. Every wait, the rendezvous included,
// ends by timeoutMs after the barrier released them; a thread whose wait reaches it releases what it holds.
DeadlockReport runDeadlock(uint64_t timeoutMs, LockOrdering ordering);

// ---- Starvation ------------------------------------------------------------------------------

enum class StarvationLock {
  Unfair,  // std::mutex: whoever grabs it first after a release wins, often the releaser
  Fair,    // a FIFO ticket lock: served in the order requested, waiters sleep, direct handoff
};
// Each lock's name, in declaration order: the index is the enumerator.
inline constexpr const char* kStarvationLockNames[] = {"unfair", "fair"};
static_assert(std::size(kStarvationLockNames) == static_cast<size_t>(StarvationLock::Fair) + 1, "one name each");

struct StarvationThread {
  uint64_t acquisitions = 0;   // contended ones: requested while another thread wanted the lock
  uint64_t longestWaitNs = 0;  // its longest single wait, request to acquisition
  uint64_t totalWaitNs = 0;
};

struct StarvationReport {
  std::vector<StarvationThread> threads;
  // Acquisitions requested while no other thread was waiting for or holding the lock: no contest,
  // so not counted per thread (a thread the OS runs alone is not starving the others).
  uint64_t uncontendedAcquisitions = 0;
  // A counter incremented under the lock: equals the sum of acquisitions plus
  // uncontendedAcquisitions (mutual exclusion held).
  uint64_t guardedCount = 0;
  uint64_t longestWaitNs = 0;  // over all threads
  double fairnessIndex = 0;    // jainIndex of the acquisitions; NaN when nobody acquired
  uint64_t wallNs = 0;
};

// Jain's fairness index (sum x)^2 / (n * sum x^2): 1 when all shares are equal, 1/n when one takes
// everything. NaN for an empty list or all zeros.
double jainIndex(const std::vector<uint64_t>& shares);

// `threads` threads loop request-lock, short critical section, release, with no pause between,
// until durationMs after the barrier released them. Requests made before then are all served. Per-thread
// figures cover contended acquisitions only (see uncontendedAcquisitions).
StarvationReport runStarvation(uint32_t threads, uint64_t durationMs, StarvationLock lock);

// ---- Livelock --------------------------------------------------------------------------------

enum class Backoff {
  Lockstep,  // after backing off, retry at the next slot: both threads retry together
  Random,    // after backing off, retry 1 to 4 slots later, chosen at random per thread
};
// Each backoff's name, in declaration order: the index is the enumerator.
inline constexpr const char* kBackoffNames[] = {"lockstep", "random"};
static_assert(std::size(kBackoffNames) == static_cast<size_t>(Backoff::Random) + 1, "one name each");

struct LivelockThread {
  uint64_t attempts = 0;  // times it stepped in (declared intent)
  uint64_t progress = 0;  // times it got through (completed operations)
  uint64_t backoffs = 0;  // times it saw the other and stepped back
};

struct LivelockReport {
  LivelockThread threads[2];
  uint64_t attempts = 0;
  uint64_t progress = 0;
  uint64_t backoffs = 0;
  // Times both were inside at once: 0 (the polite protocol keeps mutual exclusion).
  uint64_t exclusionViolations = 0;
  uint64_t slotNs = 0;    // length of one retry slot on the shared slot clock
  uint64_t windowNs = 0;  // how long a thread stays stepped in, watching for the other
  uint64_t wallNs = 0;
};

// Two polite threads share a slot clock. An attempt: at a slot's start, step in (set my intent) and
// stay in for windowNs (sleeping: no free core is needed); if the other was in at any moment of that
// window, step back and retry per `backoff`; otherwise do the operation (progress) and step out.
// Threads that step in together both step back, every time: with Lockstep, no progress unless the
// OS delays one of them by more than a window. Ends by durationMs after the barrier released them.
LivelockReport runLivelock(uint64_t durationMs, Backoff backoff);

}  // namespace gilscope::hazards
