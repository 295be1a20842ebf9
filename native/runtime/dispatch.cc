#include "runtime/dispatch.h"

#include <chrono>

#include "common/clock.h"

namespace gilscope::runtime {

size_t Dispatcher::submit(Group* g) {
  std::lock_guard<std::mutex> guard(mutex_);
  queue_.push_back(g);
  g->nextLive = live_;
  if (live_ != nullptr) live_->prevLive = g;
  live_ = g;
  ++liveCount_;
  const size_t unclaimed = unclaimed_.load(std::memory_order_relaxed) + g->count;
  unclaimed_.store(unclaimed, std::memory_order_release);
  // Idle drainers (spinning for work) take tasks first; each task beyond them wants a drainer of its own.
  const size_t idle = drainers_ - busy_;
  if (parked_ > 0) workCv_.notify_one();
  if (unclaimed <= idle || drainers_ >= maxDrainers_) return 0;
  const size_t room = maxDrainers_ - drainers_;
  const size_t start = unclaimed - idle < room ? unclaimed - idle : room;
  drainers_ += start;
  counters_.drainers += start;
  return start;
}

bool Dispatcher::claim(Claim& c) {
  std::lock_guard<std::mutex> guard(mutex_);
  return claimLocked(c);
}

bool Dispatcher::claimLocked(Claim& c) {
  if (queue_.empty()) return false;
  Group* g = queue_.front();
  c.group = g;
  c.index = g->next++;
  if (g->next == g->count) queue_.pop_front();
  ++busy_;
  unclaimed_.store(unclaimed_.load(std::memory_order_relaxed) - 1, std::memory_order_release);
  return true;
}

bool Dispatcher::spinForWork() {
  // A plain spin, no yield: on a busy machine a yielding thread can wait long for its core back,
  // while submit() counts it as idle and starts no drainer for the task it left waiting.
  const uint64_t until = common::monotonicNs() + kSpinNs;
  do {
    for (int i = 0; i < 64; ++i) {
      if (unclaimed_.load(std::memory_order_acquire) > 0) return true;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  } while (common::monotonicNs() < until);
  return false;
}

bool Dispatcher::exitIfIdle() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (queue_.empty()) {
    // Parked, not spinning: submit() wakes it (the one syscall a task then costs); past kParkNs
    // with nothing to do, the drainer gives its pool thread back.
    ++parked_;
    workCv_.wait_for(lock, std::chrono::nanoseconds(kParkNs), [this] { return !queue_.empty(); });
    --parked_;
  }
  if (!queue_.empty()) return false;
  --drainers_;
  return true;
}

void Dispatcher::drainerLost() {
  std::lock_guard<std::mutex> guard(mutex_);
  --drainers_;
}

bool Dispatcher::finish(Group* g, uint32_t index, const TaskRecord& r, Claim& next) {
  writeRow_(r, *g, index);
  std::lock_guard<std::mutex> guard(mutex_);
  // The next task is claimed under the same lock: one acquisition per task, not two, so that the
  // JS thread's submissions contend less with the drainers.
  const bool woke = finishLocked(g, index, r);
  next = Claim{};
  claimLocked(next);
  return woke;
}

bool Dispatcher::finishLocked(Group* g, uint32_t index, const TaskRecord& r) {
  --busy_;
  ++counters_.tasks;
  if (!r.error.empty() && g->errorIndex < 0) {
    g->errorIndex = index;
    g->error = r.error;
  }
  if (++g->finished < g->count) return false;
  if (g->prevLive != nullptr) g->prevLive->nextLive = g->nextLive;
  if (g->nextLive != nullptr) g->nextLive->prevLive = g->prevLive;
  if (live_ == g) live_ = g->nextLive;
  --liveCount_;
  done_.push_back(g);
  if (woken_) return false;
  woken_ = true;
  ++counters_.wakeups;
  wake_(ctx_);  // under the lock: takeDone() cannot run between the push and the wake
  return true;
}

void Dispatcher::drain() {
  Reading carried;
  bool haveReading = false;  // carried ends the previous task, with nothing but bookkeeping since
  Claim c;
  for (;;) {
    if (c.group == nullptr && !claim(c)) {
      haveReading = false;
      if (spinForWork()) continue;
      if (exitIfIdle()) return;
      continue;
    }
    Group* g = c.group;
    if (haveReading) sharedReadings_.fetch_add(1, std::memory_order_relaxed);
    if (!haveReading) carried = readThread();
    Reading end;
    const TaskRecord r = executeBetween(g->call, g->token, g->submitNs, g->gil ? &*g->gil : nullptr, carried, end);
    carried = end;
    haveReading = !finish(g, c.index, r, c);  // a wake-up is a syscall: not the next task's
  }
}

std::vector<Group*> Dispatcher::takeDone() {
  std::vector<Group*> out;
  std::lock_guard<std::mutex> guard(mutex_);
  out.swap(done_);
  woken_ = false;
  return out;
}

void Dispatcher::cancel(double tag) {
  std::lock_guard<std::mutex> guard(mutex_);
  for (Group* g = live_; g != nullptr; g = g->nextLive) {
    if (g->tag == tag) g->token.cancel();
  }
}

void Dispatcher::cancelAll() {
  std::lock_guard<std::mutex> guard(mutex_);
  for (Group* g = live_; g != nullptr; g = g->nextLive) g->token.cancel();
}

Dispatcher::Counters Dispatcher::counters() {
  std::lock_guard<std::mutex> guard(mutex_);
  Counters c = counters_;
  c.sharedReadings = sharedReadings_.load(std::memory_order_relaxed);
  return c;
}

size_t Dispatcher::live() {
  std::lock_guard<std::mutex> guard(mutex_);
  return liveCount_;
}

}  // namespace gilscope::runtime
