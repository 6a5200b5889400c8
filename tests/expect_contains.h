// EXPECT_CONTAINS(message, text): the test fails, showing both, unless
// `text` occurs in `message` (error messages are asserted by their words).
#pragma once

#include <gtest/gtest.h>

#define EXPECT_CONTAINS(message, text) EXPECT_PRED_FORMAT2(::testing::IsSubstring, text, message)
// EXPECT_NOT_CONTAINS(message, text): the opposite.
#define EXPECT_NOT_CONTAINS(message, text) EXPECT_PRED_FORMAT2(::testing::IsNotSubstring, text, message)
