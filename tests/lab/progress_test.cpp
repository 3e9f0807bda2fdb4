// The progress line's formatting: durations and cutting to the terminal.

#include <gtest/gtest.h>

#include <cmath>

#include "lab/run/progress.h"

namespace relulab {
namespace lab {
namespace {

TEST(ProgressTest, DurationsReadAsMinutesOrHours) {
  EXPECT_EQ(format_duration(0), "0m00s");
  EXPECT_EQ(format_duration(65.4), "1m05s");
  EXPECT_EQ(format_duration(2 * 3600 + 3 * 60 + 10), "2h03m");
  EXPECT_EQ(format_duration(NAN), "?");
  EXPECT_EQ(format_duration(-1), "?");
  EXPECT_EQ(format_duration(INFINITY), "?");
}

TEST(ProgressTest, LongLinesAreCutToTheWidthWithAnEllipsis) {
  EXPECT_EQ(fit_to_width("short", 79), "short");
  const std::string line(150, 'x');
  const std::string cut = fit_to_width(line, 79);
  EXPECT_EQ(cut.size(), 79u);
  EXPECT_EQ(cut.substr(76), "...");
  EXPECT_EQ(fit_to_width("abcdef", 2), "ab");
  EXPECT_EQ(fit_to_width(std::string(80, 'y'), 80).size(), 80u);
}

}  // namespace
}  // namespace lab
}  // namespace relulab
