// TraceBuffer: bounded, allocation-free recording; overflow is counted, never silent. And the
// traced block (runtime/block.h) that every blocking phase goes through.
#include <gtest/gtest.h>

#include "runtime/block.h"
#include "runtime/cancel.h"
#include "runtime/trace.h"

namespace gilscope::runtime {
namespace {

TEST(Trace, DisabledBufferRecordsNothing) {
  TraceBuffer t;
  EXPECT_FALSE(t.enabled());
  for (int i = 0; i < 100; ++i) t.record(EventKind::TaskStart);
  EXPECT_TRUE(t.events().empty());
  EXPECT_EQ(t.dropped(), 0u);
}

TEST(Trace, KeepsCapacityEventsInOrderAndCountsTheRest) {
  TraceBuffer t(4);
  ASSERT_TRUE(t.enabled());
  const EventKind kinds[] = {EventKind::TaskStart,    EventKind::LockWaitStart, EventKind::LockAcquired,
                             EventKind::LockReleased, EventKind::TaskEnd,       EventKind::BlockStart};
  for (int round = 0; round < 3; ++round) {
    for (EventKind k : kinds) t.record(k);
  }
  ASSERT_EQ(t.events().size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(t.events()[i].kind, kinds[i]);
  for (size_t i = 1; i < 4; ++i) EXPECT_GE(t.events()[i].ns, t.events()[i - 1].ns);
  EXPECT_EQ(t.dropped(), 3u * 6u - 4u);
  EXPECT_EQ(t.events().capacity(), 4u) << "a full buffer never grows";
}

TEST(Trace, ZeroCapacityDropsEverything) {
  TraceBuffer t(0);
  EXPECT_TRUE(t.enabled());
  t.record(EventKind::TaskStart);
  t.record(EventKind::TaskEnd);
  EXPECT_TRUE(t.events().empty());
  EXPECT_EQ(t.dropped(), 2u);
}

TEST(Trace, AMovedBufferKeepsItsRoom) {
  TraceBuffer a(8);
  a.record(EventKind::TaskStart);
  TraceBuffer b = std::move(a);
  for (int i = 0; i < 10; ++i) b.record(EventKind::LockAcquired);
  EXPECT_EQ(b.events().size(), 8u);
  EXPECT_EQ(b.dropped(), 3u);
}

TEST(Trace, ABlockIsBracketedByBlockStartAndBlockEndEvenWhenCancelled) {
  CancelToken token;
  TraceBuffer t(8);
  EXPECT_TRUE(blockTraced(token, 100, t));
  token.cancel();
  EXPECT_FALSE(blockTraced(token, 60'000'000, t)) << "a cancelled token ends the wait at once";
  ASSERT_EQ(t.events().size(), 4u);
  for (size_t i = 0; i < 4; i += 2) {
    EXPECT_EQ(t.events()[i].kind, EventKind::BlockStart);
    EXPECT_EQ(t.events()[i + 1].kind, EventKind::BlockEnd);
  }
  EXPECT_GE(t.events()[1].ns - t.events()[0].ns, 100'000u) << "the first block waited its 100 us";
}

}  // namespace
}  // namespace gilscope::runtime
