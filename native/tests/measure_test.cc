// The bench's kernel-free measurements (runtime/measure.h): each succeeds and reports a figure.
#include <gtest/gtest.h>

#include <cstdint>

#include "runtime/measure.h"

namespace gilscope::runtime {
namespace {

TEST(Measure, ThreadStartStartsOneThreadAndTimesIt) {
  const ThreadStartCost c = measureThreadStart();
  ASSERT_TRUE(c.error.empty()) << c.error;
  EXPECT_GT(c.createNs, 0u);
}

TEST(Measure, TraceCostRecordsEveryEventAndReportsBothFigures) {
  const TraceCost c = measureTraceCost(100'000);
  ASSERT_TRUE(c.error.empty()) << c.error;
  EXPECT_GT(c.nsPerEvent, 0);
  EXPECT_GE(c.nsPerEventOff, 0);
}

}  // namespace
}  // namespace gilscope::runtime
