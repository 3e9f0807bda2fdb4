// Crash-safe records: CSV schemas, atomic trial folders, merge, and resume
// after a simulated crash.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "lab/config/sweep.h"
#include "lab/output/csv.h"
#include "lab/output/remove_tree.h"
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
  remove_tree(f.dir);
  fs::create_directories(fs::path(f.dir) / "trials");
  const auto file = f.dir + ".yaml";
  std::ofstream(file) << "name: rec\nseeds: 3\nbase: {data: {dataset: spirals}}\n"
                         "parameters: {activation: {values: [relu, tanh]}}\n";
  f.sweep = load_sweep(file);
  return f;
}

std::string host_name() {
  char host[256] = {0};
  ::gethostname(host, sizeof(host) - 1);
  return host;
}

// The pid of a child that has exited and been reaped: a writer that is gone.
pid_t exited_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
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
  EXPECT_EQ(epoch_columns(),
            (std::vector<std::string>{"trial_id", "epoch", "train_loss", "train_accuracy",
                                      "test_loss", "test_accuracy", "val_loss", "val_accuracy",
                                      "lr", "seconds", "online_stats_seconds"}));
  EXPECT_EQ(layer_columns().size(), 16u);
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
  // A crash mid-write leaves a temporary folder and a temporary CSV behind,
  // named after their writer (host and pid): here a process that has exited.
  const std::string dead_writer = host_name() + "-" + std::to_string(exited_pid());
  const auto partial =
      fs::path(f.dir) / "trials" / (".tmp-" + f.sweep.trials[1].id + "-" + dead_writer);
  fs::create_directories(partial);
  std::ofstream(partial / "trial.csv") << "trial_id,trial_ind";
  std::ofstream(fs::path(f.dir) / ("trials.csv.tmp." + dead_writer)) << "torn";
  remove_partial_writes(f.dir);
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_FALSE(fs::exists(fs::path(f.dir) / ("trials.csv.tmp." + dead_writer)));
  EXPECT_TRUE(has_trial_record(f.dir, f.sweep.trials[0]));
  EXPECT_FALSE(has_trial_record(f.dir, f.sweep.trials[1]));
  // Rewriting a trial replaces it: still exactly one row for it.
  write_trial_record(f.dir, f.sweep, f.sweep.trials[0], result_with(0.6));
  merge_trial_records(f.dir, f.sweep);
  const auto rows = read_csv(f.dir + "/trials.csv");
  ASSERT_EQ(rows.size(), 2u);
  const auto col =
      std::find(rows[0].begin(), rows[0].end(), "final_test_accuracy") - rows[0].begin();
  EXPECT_EQ(rows[1][col], "0.6");
}

TEST(TrialRecordsTest, CleanUpNeverTouchesALiveWritersTemporaries) {
  auto f = make_fixture("live");
  // This process is alive: its writes in flight (and those of a process on
  // another host, which cannot be checked) must survive another's clean-up.
  for (const std::string& writer : {unique_suffix(), std::string("other-host-1")}) {
    const auto partial =
        fs::path(f.dir) / "trials" / (".tmp-" + f.sweep.trials[0].id + "-" + writer);
    fs::create_directories(partial);
    std::ofstream(fs::path(f.dir) / ("trials.csv.tmp." + writer)) << "in flight";
    remove_partial_writes(f.dir);
    EXPECT_TRUE(fs::exists(partial)) << writer;
    EXPECT_TRUE(fs::exists(fs::path(f.dir) / ("trials.csv.tmp." + writer))) << writer;
  }
}

TEST(TrialRecordsTest, AResultIsNeverReplacedByAFailure) {
  auto f = make_fixture("downgrade");
  const auto& trial = f.sweep.trials[0];
  TrialResult failed;
  failed.status = "failed";
  failed.message = "worker process killed by signal 9";
  // The worker wrote its result, then died before reporting: the parent's
  // failure record must not replace it.
  write_trial_record(f.dir, f.sweep, trial, result_with(0.5));
  write_trial_record(f.dir, f.sweep, trial, failed);
  EXPECT_EQ(trial_record_status(f.dir, trial), "ok");
  // A failure where nothing was recorded is kept, and a later result
  // (--retry-failed) replaces it.
  write_trial_record(f.dir, f.sweep, f.sweep.trials[1], failed);
  EXPECT_EQ(trial_record_status(f.dir, f.sweep.trials[1]), "failed");
  write_trial_record(f.dir, f.sweep, f.sweep.trials[1], result_with(0.7));
  EXPECT_EQ(trial_record_status(f.dir, f.sweep.trials[1]), "ok");
  // Nothing left behind.
  for (const auto& entry : fs::directory_iterator(fs::path(f.dir) / "trials")) {
    EXPECT_NE(entry.path().filename().string()[0], '.') << entry.path();
  }
}

TEST(TrialRecordsTest, ACorruptRecordIsMovedAsideSoItsTrialRunsAgain) {
  auto f = make_fixture("corrupt");
  for (int i = 0; i < 3; ++i)
    write_trial_record(f.dir, f.sweep, f.sweep.trials[i], result_with(0.5));
  // A ragged row (an edited file), and a torn one (no final newline).
  const auto record = [&](int i) { return fs::path(f.dir) / "trials" / f.sweep.trials[i].id; };
  std::ofstream(record(0) / "epochs.csv", std::ios::app) << "1,2\n";
  std::ofstream(record(1) / "layers.csv", std::ios::app) << "x";
  const auto moved = quarantine_corrupt_records(f.dir, f.sweep);
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_NE(moved[0].find("epochs.csv: line "), std::string::npos) << moved[0];
  EXPECT_NE(moved[0].find("fields where the header has"), std::string::npos) << moved[0];
  EXPECT_NE(moved[1].find("layers.csv: last line has no newline"), std::string::npos) << moved[1];
  EXPECT_EQ(trial_record_status(f.dir, f.sweep.trials[0]), "");  // runs again
  EXPECT_EQ(trial_record_status(f.dir, f.sweep.trials[1]), "");
  EXPECT_EQ(trial_record_status(f.dir, f.sweep.trials[2]), "ok");  // untouched
  const auto report = merge_trial_records(f.dir, f.sweep);
  EXPECT_EQ(report.present, 1);
  EXPECT_EQ(report.stale, 0);  // what was moved aside is not a stale record
}

TEST(AtomicWriteTest, APlantedSymlinkAtTheTemporaryNameIsNotFollowed) {
  const auto dir = fs::path(::testing::TempDir()) / ("atomic_" + std::to_string(::getpid()));
  remove_tree(dir.string());
  fs::create_directories(dir);
  const auto victim = dir / "victim.txt";
  std::ofstream(victim) << "precious";
  const auto path = dir / "trials.csv";
  // Someone who can guess the temporary's name (host and pid) links it to a
  // file of theirs: the write must go to a fresh file, never through the link.
  fs::create_symlink(victim, path.string() + ".tmp." + unique_suffix());
  write_file_atomically(path.string(), "a,b\n1,2\n");
  std::ifstream in(victim);
  const std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, "precious");
  EXPECT_EQ(read_csv(path.string()).size(), 2u);
  EXPECT_FALSE(fs::is_symlink(path));
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
