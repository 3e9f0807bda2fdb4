// The summary's statistics: t quantiles and a hand-checked table.

#include <gtest/gtest.h>

#include "lab/config/schema.h"
#include "lab/output/trial_records.h"
#include "lab/run/summary.h"

namespace relulab {
namespace lab {
namespace {

TEST(SummaryTest, TQuantiles) {
  EXPECT_NEAR(t_quantile_975(1), 12.706, 1e-3);
  EXPECT_NEAR(t_quantile_975(4), 2.776, 1e-3);
  EXPECT_NEAR(t_quantile_975(60), 2.000, 2e-3);
  EXPECT_NEAR(t_quantile_975(100000), 1.960, 1e-3);
}

TEST(SummaryTest, BestConfigurationWithConfidenceInterval) {
  const auto cols = trial_columns();
  auto row = [&](const std::string& act, const std::string& lr, const std::string& seed,
                 const std::string& acc) {
    CsvRow r(cols.size());
    auto set = [&](const std::string& c, const std::string& v) {
      r[std::find(cols.begin(), cols.end(), c) - cols.begin()] = v;
    };
    for (const auto& spec : config_schema()) set(spec.key, "x");
    set("activation", act);
    set("model.arch", "mlp");
    set("train.lr", lr);
    set("seed", seed);
    set("status", "ok");
    set("final_test_accuracy", acc);
    set("epochs_to_target", "2");
    set("dead_fraction_end", "0");
    set("seconds_per_epoch", "1");
    return r;
  };
  std::vector<CsvRow> rows = {cols,
                              row("relu", "0.1", "0", "0.80"),
                              row("relu", "0.1", "1", "0.82"),
                              row("relu", "0.1", "2", "0.84"),
                              row("relu", "0.01", "0", "0.70"),
                              row("relu", "0.01", "1", "0.71"),
                              row("relu", "0.01", "2", "0.72")};
  const auto s = summarise(rows);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].best_setting, "train.lr=0.1");
  EXPECT_EQ(s[0].seeds, 3);
  EXPECT_NEAR(s[0].accuracy_mean, 0.82, 1e-12);
  // sd = 0.02, n = 3: 4.303 * 0.02 / sqrt(3) = 0.04969.
  EXPECT_NEAR(s[0].accuracy_ci95, 4.303 * 0.02 / std::sqrt(3.0), 1e-6);
}

// Validation chooses the learning rate; the test accuracy reported is the one
// at the validation-chosen epoch, even where another LR tests better.
TEST(SummaryTest, ConfigurationsAreChosenOnValidationNotTest) {
  const auto cols = trial_columns();
  auto row = [&](const std::string& lr, const std::string& seed, const std::string& val,
                 const std::string& test_at_val, const std::string& final_test) {
    CsvRow r(cols.size());
    auto set = [&](const std::string& c, const std::string& v) {
      r[std::find(cols.begin(), cols.end(), c) - cols.begin()] = v;
    };
    for (const auto& spec : config_schema()) set(spec.key, "x");
    set("activation", "relu");
    set("model.arch", "mlp");
    set("train.lr", lr);
    set("seed", seed);
    set("status", "ok");
    set("best_val_accuracy", val);
    set("test_accuracy_at_best_val", test_at_val);
    set("final_test_accuracy", final_test);
    return r;
  };
  const std::vector<CsvRow> rows = {
      cols, row("0.1", "0", "0.70", "0.71", "0.90"), row("0.1", "1", "0.72", "0.73", "0.92"),
      row("0.01", "0", "0.80", "0.79", "0.80"), row("0.01", "1", "0.82", "0.81", "0.82")};
  const auto s = summarise(rows);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].best_setting, "train.lr=0.01");
  EXPECT_NEAR(s[0].accuracy_mean, 0.80, 1e-12);  // mean of 0.79 and 0.81
}

}  // namespace
}  // namespace lab
}  // namespace relulab
