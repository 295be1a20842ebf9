// The name tables the TypeScript reads (recordLayout(), eventKinds(), hazardTable()): one name per
// enumerator, in the enum's order, unique and in the casing JS expects.
#include <gtest/gtest.h>

#include <cctype>
#include <cstddef>
#include <iterator>
#include <set>
#include <string>

#include "bindings/record_layout.h"
#include "hazards/experiments.h"
#include "runtime/trace.h"

namespace gilscope {
namespace {

// The enumerators of a contiguous enum that starts at 0 and ends at `last`.
template <typename Enum>
constexpr size_t enumCount(Enum last) {
  return static_cast<size_t>(last) + 1;
}

// Every name is non-empty, unique, and made of lower-case letters plus, in camelCase, upper-case
// letters after the first, or in kebab-case, single hyphens between words.
template <size_t N>
void expectNames(const char* const (&names)[N], bool kebab) {
  std::set<std::string> seen;
  for (const char* name : names) {
    ASSERT_NE(name, nullptr);
    const std::string s(name);
    ASSERT_FALSE(s.empty());
    EXPECT_TRUE(seen.insert(s).second) << "duplicate name " << s;
    EXPECT_TRUE(std::islower(static_cast<unsigned char>(s.front()))) << s;
    EXPECT_NE(s.back(), '-') << s;
    for (size_t i = 0; i < s.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (kebab) {
        EXPECT_TRUE(std::islower(c) || (c == '-' && i > 0 && s[i - 1] != '-')) << s;
      } else {
        EXPECT_TRUE(std::isalpha(c)) << s;
      }
    }
  }
}

TEST(NameTables, RecordLayoutHasOneCamelCaseNamePerField) {
  EXPECT_EQ(std::size(bindings::kRecordFieldNames), enumCount(bindings::RecordField::DropRequests));
  EXPECT_EQ(std::size(bindings::kRecordFieldNames), bindings::kRecordFields);
  expectNames(bindings::kRecordFieldNames, /*kebab=*/false);
  EXPECT_STREQ(bindings::kRecordFieldNames[static_cast<size_t>(bindings::RecordField::Kernel)], "kernel");
  EXPECT_STREQ(bindings::kRecordFieldNames[static_cast<size_t>(bindings::RecordField::RunQueueNs)], "runQueueNs");
  EXPECT_STREQ(bindings::kRecordFieldNames[static_cast<size_t>(bindings::RecordField::DropRequests)], "dropRequests");
}

TEST(NameTables, EventKindsHaveOneKebabCaseNamePerCode) {
  EXPECT_EQ(std::size(runtime::kEventKindNames), enumCount(runtime::EventKind::LockWaitCancelled));
  EXPECT_EQ(std::size(runtime::kEventKindNames), runtime::kEventKinds);
  expectNames(runtime::kEventKindNames, /*kebab=*/true);
  EXPECT_STREQ(runtime::kEventKindNames[static_cast<size_t>(runtime::EventKind::TaskStart)], "task-start");
  EXPECT_STREQ(runtime::kEventKindNames[static_cast<size_t>(runtime::EventKind::BlockEnd)], "block-end");
  EXPECT_STREQ(runtime::kEventKindNames[static_cast<size_t>(runtime::EventKind::LockWaitCancelled)],
               "lock-wait-cancelled");
}

TEST(NameTables, HazardChoicesHaveOneNamePerEnumerator) {
  EXPECT_EQ(std::size(hazards::kRaceStrategyNames), enumCount(hazards::RaceStrategy::Sharded));
  EXPECT_EQ(std::size(hazards::kLockOrderingNames), enumCount(hazards::LockOrdering::Global));
  EXPECT_EQ(std::size(hazards::kStarvationLockNames), enumCount(hazards::StarvationLock::Fair));
  EXPECT_EQ(std::size(hazards::kBackoffNames), enumCount(hazards::Backoff::Random));
  expectNames(hazards::kRaceStrategyNames, /*kebab=*/true);
  expectNames(hazards::kLockOrderingNames, /*kebab=*/true);
  expectNames(hazards::kStarvationLockNames, /*kebab=*/true);
  expectNames(hazards::kBackoffNames, /*kebab=*/true);
  EXPECT_STREQ(hazards::kRaceStrategyNames[static_cast<size_t>(hazards::RaceStrategy::Racy)], "racy");
  EXPECT_STREQ(hazards::kRaceStrategyNames[static_cast<size_t>(hazards::RaceStrategy::Sharded)], "sharded");
  EXPECT_STREQ(hazards::kLockOrderingNames[static_cast<size_t>(hazards::LockOrdering::Opposite)], "opposite");
  EXPECT_STREQ(hazards::kStarvationLockNames[static_cast<size_t>(hazards::StarvationLock::Fair)], "fair");
  EXPECT_STREQ(hazards::kBackoffNames[static_cast<size_t>(hazards::Backoff::Lockstep)], "lockstep");
}

}  // namespace
}  // namespace gilscope
