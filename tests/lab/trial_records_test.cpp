// Crash-safe records: CSV schemas, atomic trial folders, merge, and resume
// after a simulated crash.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "lab/config/sweep.h"
#include "lab/output/csv.h"
#include "lab/output/trial_records.h"

namespace relulab {
namespace lab {
namespace {
namespace fs = std::filesystem;

struct Fixture {
  std::string dir;
  Sweep sweep;
};

Fixture make_fixture(const std::string& name) {
  Fixture f;
  f.dir = ::testing::TempDir() + "/records_" + name + "_" + std::to_string(::getpid());
  fs::remove_all(f.dir);
  fs::create_directories(fs::path(f.dir) / "trials");
  const auto file = f.dir + ".yaml";
  std::ofstream(file) << "name: rec\nseeds: 3\nbase: {data: {dataset: spirals}}\n"
                         "parameters: {activation: {values: [relu, tanh]}}\n";
  f.sweep = load_sweep(file);
  return f;
}

TrialResult result_with(double accuracy) {
  TrialResult r;
  r.final_test_accuracy = accuracy;
  EpochRecord e;
  e.test_accuracy = accuracy;
  r.epochs = {e};
  LayerRecord l;
  l.kind = "linear";
  l.units = 8;
  l.dead_fraction = 0.125;
  r.layers = {l};
  return r;
}

TEST(CsvTest, FieldsRoundTrip) {
  const auto path = ::testing::TempDir() + "/roundtrip.csv";
  write_file_atomically(path, csv_line({"a", "b,c", "say \"hi\""}) + csv_line({"1", "", "x\ny"}));
  const auto rows = read_csv(path);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (CsvRow{"a", "b,c", "say \"hi\""}));
  EXPECT_EQ(rows[1], (CsvRow{"1", "", "x\ny"}));
  EXPECT_EQ(csv_number(0.1), "0.1");
  EXPECT_EQ(csv_number(std::nan("")), "");
  // A torn last line is detected, not silently read.
  std::ofstream(path) << "a,b\n1,";
  EXPECT_THROW(read_csv(path), std::runtime_error);
}

TEST(TrialRecordsTest, SchemasAreFixed) {
  const auto cols = trial_columns();
  EXPECT_EQ(cols[0], "trial_id");
  for (const char* c : {"activation", "train.lr", "seed", "status", "epochs_to_target", "loss_auc",
                        "dead_fraction_init", "dead_fraction_end", "seconds_per_epoch",
                        "samples_per_second", "git_commit", "libtorch_version"}) {
    EXPECT_NE(std::find(cols.begin(), cols.end(), c), cols.end()) << c;
  }
  EXPECT_EQ(epoch_columns(), (std::vector<std::string>{"trial_id", "epoch", "train_loss", "train_accuracy",
                                                       "test_loss", "test_accuracy", "lr", "seconds",
                                                       "online_stats_seconds"}));
  EXPECT_EQ(layer_columns().size(), 15u);
}

TEST(TrialRecordsTest, MergeKeepsSweepOrderAndCountsMissing) {
  auto f = make_fixture("merge");
  write_trial_record(f.dir, f.sweep, f.sweep.trials[3], result_with(0.4));
  write_trial_record(f.dir, f.sweep, f.sweep.trials[1], result_with(0.2));
  const auto report = merge_trial_records(f.dir, f.sweep);
  EXPECT_EQ(report.present, 2);
  EXPECT_EQ(report.missing, 4);
  const auto rows = read_csv(f.dir + "/trials.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], trial_columns());
  EXPECT_EQ(rows[1][0], f.sweep.trials[1].id);
  EXPECT_EQ(rows[2][0], f.sweep.trials[3].id);
  EXPECT_EQ(read_csv(f.dir + "/layers.csv").size(), 3u);
}

TEST(TrialRecordsTest, ResumeAfterCrashSeesOnlyCompleteTrials) {
  auto f = make_fixture("crash");
  write_trial_record(f.dir, f.sweep, f.sweep.trials[0], result_with(0.5));
  // A crash mid-write leaves a temporary folder and a temporary CSV behind.
  const auto partial = fs::path(f.dir) / "trials" / (".tmp-" + f.sweep.trials[1].id + "-999");
  fs::create_directories(partial);
  std::ofstream(partial / "trial.csv") << "trial_id,trial_ind";
  std::ofstream(fs::path(f.dir) / "trials.csv.tmp.999") << "torn";
  remove_partial_writes(f.dir);
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_FALSE(fs::exists(fs::path(f.dir) / "trials.csv.tmp.999"));
  EXPECT_TRUE(has_trial_record(f.dir, f.sweep.trials[0]));
  EXPECT_FALSE(has_trial_record(f.dir, f.sweep.trials[1]));
  // Rewriting a trial replaces it: still exactly one row for it.
  write_trial_record(f.dir, f.sweep, f.sweep.trials[0], result_with(0.6));
  merge_trial_records(f.dir, f.sweep);
  const auto rows = read_csv(f.dir + "/trials.csv");
  ASSERT_EQ(rows.size(), 2u);
  const auto col = std::find(rows[0].begin(), rows[0].end(), "final_test_accuracy") - rows[0].begin();
  EXPECT_EQ(rows[1][col], "0.6");
}

TEST(TrialRecordsTest, StaleRecordsFromAnEditedSweepAreLeftOut) {
  auto f = make_fixture("stale");
  write_trial_record(f.dir, f.sweep, f.sweep.trials[0], result_with(0.5));
  fs::create_directories(fs::path(f.dir) / "trials" / "0123456789ab");  // not in the sweep
  const auto report = merge_trial_records(f.dir, f.sweep);
  EXPECT_EQ(report.stale, 1);
  EXPECT_EQ(read_csv(f.dir + "/trials.csv").size(), 2u);
}

}  // namespace
}  // namespace lab
}  // namespace relulab
