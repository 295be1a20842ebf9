#include "runtime/measure.h"

#include <pthread.h>

#include <condition_variable>
#include <cstring>
#include <mutex>

#include "common/clock.h"
#include "runtime/trace.h"
#include "runtime/usage.h"

namespace gilscope::runtime {
namespace {

// What the measuring thread and the started thread share.
struct ThreadStart {
  std::mutex mutex;
  std::condition_variable cv;
  uint64_t startedNs = 0;  // set by the started thread, first thing
  bool exit = false;       // set by the measuring thread once it has sampled memory
};

void* startedThread(void* arg) {
  auto* st = static_cast<ThreadStart*>(arg);
  const uint64_t now = common::monotonicNs();
  std::unique_lock<std::mutex> lock(st->mutex);
  st->startedNs = now;
  st->cv.notify_all();
  st->cv.wait(lock, [st] { return st->exit; });
  return nullptr;
}

}  // namespace

ThreadStartCost measureThreadStart() {
  ThreadStartCost cost;
  ThreadStart s;
  const int64_t rss0 = residentBytes();
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 8u << 20);
  pthread_t tid;
  const uint64_t t0 = common::monotonicNs();
  const int rc = pthread_create(&tid, &attr, startedThread, &s);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    cost.error = std::string("pthread_create failed: ") + std::strerror(rc);
    return cost;
  }
  int64_t rss1 = -1;
  {
    std::unique_lock<std::mutex> lock(s.mutex);
    s.cv.wait(lock, [&s] { return s.startedNs != 0; });
    rss1 = residentBytes();
    s.exit = true;
    s.cv.notify_all();
  }
  pthread_join(tid, nullptr);
  cost.createNs = s.startedNs - t0;
  cost.rssBytes = rss0 >= 0 && rss1 >= 0 ? rss1 - rss0 : 0;
  return cost;
}

TraceCost measureTraceCost(size_t events) {
  TraceCost cost;
  TraceBuffer on(events);
  TraceBuffer off;
  const uint64_t t0 = common::monotonicNs();
  for (size_t i = 0; i < events; ++i) on.record(EventKind::LockAcquired);
  const uint64_t t1 = common::monotonicNs();
  for (size_t i = 0; i < events; ++i) off.record(EventKind::LockAcquired);
  const uint64_t t2 = common::monotonicNs();
  if (on.events().size() != events || on.dropped() != 0) {
    cost.error = "traceCost: events were lost";
    return cost;
  }
  cost.nsPerEvent = static_cast<double>(t1 - t0) / static_cast<double>(events);
  cost.nsPerEventOff = static_cast<double>(t2 - t1) / static_cast<double>(events);
  return cost;
}

}  // namespace gilscope::runtime
