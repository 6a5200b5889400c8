// Comma-separated lists: every comma splits, no item is dropped, and joining
// undoes splitting.
#include "harness/lists.h"

#include <gtest/gtest.h>

namespace convt {
namespace {

using Items = std::vector<std::string>;

TEST(Lists, SplitKeepsEveryItem) {
  EXPECT_EQ(split_list("cpu,onednn,onednn-nchw"), (Items{"cpu", "onednn", "onednn-nchw"}));
  EXPECT_EQ(split_list("exact"), (Items{"exact"}));
  EXPECT_EQ(split_list(""), (Items{""}));
  EXPECT_EQ(split_list("a,"), (Items{"a", ""}));
  EXPECT_EQ(split_list(",a"), (Items{"", "a"}));
  EXPECT_EQ(split_list("a,,b"), (Items{"a", "", "b"}));
  EXPECT_EQ(split_list("a, b"), (Items{"a", " b"}));
}

TEST(Lists, JoinUndoesSplit) {
  EXPECT_EQ(join_list({}), "");
  EXPECT_EQ(join_list({"cpu"}), "cpu");
  EXPECT_EQ(join_list({"cpu", "onednn"}, ", "), "cpu, onednn");
  for (const char* text : {"a,b,c", "a,,b", ",", "x"}) EXPECT_EQ(join_list(split_list(text)), text);
}

}  // namespace
}  // namespace convt
