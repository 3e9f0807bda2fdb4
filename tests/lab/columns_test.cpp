// The result CSVs' column tables against the written records and the docs.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "lab/output/columns.h"

namespace relulab {
namespace lab {
namespace {

TEST(ColumnsTest, DocsStatisticsHoldTheGeneratedTables) {
  std::ifstream in(std::string(RELULAB_SOURCE_DIR) + "/docs/statistics.md");
  ASSERT_TRUE(in) << "docs/statistics.md is missing";
  std::stringstream doc;
  doc << in.rdbuf();
  EXPECT_NE(doc.str().find(columns_markdown()), std::string::npos)
      << "docs/statistics.md is out of date: run scripts/update-docs";
}

TEST(ColumnsTest, EveryColumnHasAUniqueNameATypeAndAMeaning) {
  const auto check = [](const auto& table, const char* file) {
    std::set<std::string> names;
    for (const auto& c : table) {
      SCOPED_TRACE(std::string(file) + ": " + c.name);
      EXPECT_TRUE(names.insert(c.name).second) << "duplicate column";
      EXPECT_FALSE(c.type.empty());
      EXPECT_TRUE(c.type == "config" || !c.meaning.empty());
      EXPECT_TRUE(c.value);
    }
  };
  check(trial_table(), "trials.csv");
  check(epoch_table(), "epochs.csv");
  check(layer_table(), "layers.csv");
}

TEST(ColumnsTest, RowsAreWrittenInTheTablesOrder) {
  Trial trial;
  trial.id = "abc";
  EpochRecord epoch;
  epoch.epoch = 3;
  epoch.test_accuracy = 0.5;
  const CsvRow row = row_values(epoch_table(), EpochRow{trial, epoch});
  const auto names = column_names(epoch_table());
  ASSERT_EQ(row.size(), names.size());
  EXPECT_EQ(row[0], "abc");
  EXPECT_EQ(row[1], "3");
  const auto at = [&](const std::string& name) {
    return row[std::find(names.begin(), names.end(), name) - names.begin()];
  };
  EXPECT_EQ(at("test_accuracy"), "0.5");
  EXPECT_EQ(at("lr"), "");  // NaN: not applicable
}

}  // namespace
}  // namespace lab
}  // namespace relulab
