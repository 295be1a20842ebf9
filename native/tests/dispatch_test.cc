// The dispatcher (runtime/dispatch.h) without Node: drainers on plain threads, the wake-up a
// counter. Every task runs once, a finished group is handed over once, wake-ups are coalesced,
// consecutive tasks on one drainer share readings, and cancel() reaches a queued group.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "runtime/dispatch.h"

namespace gilscope::runtime {
namespace {

constexpr size_t kStride = 4;  // this test's rows: started, cancelled, startNs, endNs

void writeRow(const TaskRecord& r, Group& g, uint32_t index) {
  double* row = g.rows + static_cast<size_t>(index) * kStride;
  row[0] = r.started ? 1 : 0;
  row[1] = r.cancelled ? 1 : 0;
  row[2] = static_cast<double>(r.startNs);
  row[3] = static_cast<double>(r.endNs);
}

std::atomic<int> wakes{0};
void countWake(void*) { wakes.fetch_add(1); }

// Runs `n` drainers to completion on plain threads.
void drainOn(Dispatcher& d, size_t n) {
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) threads.emplace_back([&d] { d.drain(); });
  for (auto& t : threads) t.join();
}

TEST(Dispatcher, RunsEveryTaskOfABatchOnceAndHandsTheGroupOverOnce) {
  wakes = 0;
  Dispatcher d(4, countWake, writeRow, nullptr);
  std::vector<double> rows(1000 * kStride, -1);
  auto* g = new Group();
  g->call.id = kernels::KernelId::Noop;
  g->count = 1000;
  g->rows = rows.data();
  const size_t start = d.submit(g);
  EXPECT_EQ(start, 4u) << "as many drainers as the pool allows, for 1000 unclaimed tasks";
  drainOn(d, start);
  const std::vector<Group*> done = d.takeDone();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0], g);
  EXPECT_EQ(g->finished, 1000u);
  for (size_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(rows[i * kStride], 1) << "task " << i << " ran";
    EXPECT_LE(rows[i * kStride + 2], rows[i * kStride + 3]);
  }
  EXPECT_EQ(wakes.load(), 1) << "one wake-up for the group";
  const Dispatcher::Counters c = d.counters();
  EXPECT_EQ(c.tasks, 1000u);
  EXPECT_GT(c.sharedReadings, 0u) << "consecutive tasks on a drainer shared readings";
  EXPECT_EQ(d.live(), 0u);
  delete g;
}

TEST(Dispatcher, CoalescesWakeUpsUntilTheFinishedGroupsAreTaken) {
  wakes = 0;
  Dispatcher d(2, countWake, writeRow, nullptr);
  std::vector<Group*> groups;
  size_t start = 0;
  for (int i = 0; i < 50; ++i) {
    auto* g = new Group();
    g->rows = g->inlineRow;
    start += d.submit(g);
    groups.push_back(g);
  }
  EXPECT_EQ(start, 2u) << "no more drainers than the pool size";
  drainOn(d, start);
  EXPECT_EQ(wakes.load(), 1) << "50 groups finished before any was taken: one wake-up";
  EXPECT_EQ(d.takeDone().size(), 50u);
  EXPECT_TRUE(d.takeDone().empty()) << "handed over once";
  for (Group* g : groups) delete g;
}

TEST(Dispatcher, CancelReachesAQueuedGroupByItsTag) {
  wakes = 0;
  Dispatcher d(1, countWake, writeRow, nullptr);
  auto* keep = new Group();
  keep->tag = 1;
  keep->rows = keep->inlineRow;
  auto* stop = new Group();
  stop->tag = 2;
  stop->rows = stop->inlineRow;
  const size_t start = d.submit(keep) + d.submit(stop);
  d.cancel(2);
  drainOn(d, start);
  EXPECT_EQ(d.takeDone().size(), 2u);
  EXPECT_EQ(keep->inlineRow[0], 1) << "the other group ran";
  EXPECT_EQ(stop->inlineRow[0], 0) << "the cancelled one never started";
  EXPECT_EQ(stop->inlineRow[1], 1);
  delete keep;
  delete stop;
}

}  // namespace
}  // namespace gilscope::runtime
