// Sharding: every trial in exactly one shard, balanced by expected cost,
// the same split in every process, and shards from the environment.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <numeric>
#include <set>

#include "lab/run/shards.h"
#include "lab/run/slurm.h"

namespace relulab {
namespace lab {
namespace {

Sweep mixed_sweep() {
  const auto path = ::testing::TempDir() + "/shards_" + std::to_string(::getpid()) + ".yaml";
  std::ofstream(path) << "name: s\nseeds: 5\nbase: {data: {dataset: spirals, samples: 1000}}\n"
                         "parameters:\n  train.epochs: {values: [1, 10, 40]}\n"
                         "  activation: {values: [relu, tanh, gelu]}\n";
  return load_sweep(path);
}

TEST(ShardsTest, EveryTrialInExactlyOneShardAndBalanced) {
  const auto sweep = mixed_sweep();
  std::vector<int64_t> all;
  for (const auto& t : sweep.trials) all.push_back(t.index);
  for (int count : {1, 2, 4, 7}) {
    std::multiset<int64_t> seen;
    std::vector<double> load(count, 0);
    for (int i = 0; i < count; ++i) {
      for (const int64_t t : shard_trials(sweep, all, Shard{i, count})) {
        seen.insert(t);
        load[i] += expected_cost(sweep.trials[t].config);
      }
    }
    EXPECT_EQ(seen.size(), all.size());
    EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), all.size());
    // Longest-first greedy: no shard exceeds the mean by more than the
    // largest single trial.
    const double total = std::accumulate(load.begin(), load.end(), 0.0);
    double largest = 0;
    for (const auto& t : sweep.trials) largest = std::max(largest, expected_cost(t.config));
    for (double l : load) EXPECT_LE(l, total / count + largest);
  }
  EXPECT_EQ(shard_trials(sweep, all, Shard{1, 4}), shard_trials(mixed_sweep(), all, Shard{1, 4}));
}

TEST(ShardsTest, ParseAndEnvironment) {
  EXPECT_EQ(parse_shard("2/5").index, 2);
  EXPECT_EQ(parse_shard("2/5").name(), "2-of-5");
  EXPECT_THROW(parse_shard("5/5"), std::invalid_argument);
  EXPECT_THROW(parse_shard("x"), std::invalid_argument);
  unsetenv("JOB_COMPLETION_INDEX");
  setenv("SLURM_ARRAY_TASK_ID", "7", 1);
  setenv("SLURM_ARRAY_TASK_MIN", "4", 1);
  setenv("SLURM_ARRAY_TASK_COUNT", "6", 1);
  // Inside an array task, a sweep shards itself only when asked to.
  EXPECT_FALSE(shard_from_environment(/*slurm_requested=*/false));
  auto s = shard_from_environment(/*slurm_requested=*/true);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 3);
  EXPECT_EQ(s->count, 6);
  // An index outside the count would run nothing and exit 0: refused.
  setenv("SLURM_ARRAY_TASK_ID", "10", 1);
  EXPECT_THROW(shard_from_environment(true), std::invalid_argument);
  unsetenv("SLURM_ARRAY_TASK_ID");
  unsetenv("SLURM_ARRAY_TASK_MIN");
  unsetenv("SLURM_ARRAY_TASK_COUNT");
  EXPECT_FALSE(shard_from_environment(false));
  EXPECT_THROW(shard_from_environment(true), std::invalid_argument);  // asked, not in a task
  setenv("JOB_COMPLETION_INDEX", "2", 1);
  EXPECT_THROW(shard_from_environment(false), std::invalid_argument);  // count missing
  setenv("RELULAB_SHARD_COUNT", "3", 1);
  EXPECT_EQ(shard_from_environment(false)->index, 2);
  setenv("JOB_COMPLETION_INDEX", "3", 1);
  EXPECT_THROW(shard_from_environment(false), std::invalid_argument);  // out of range
  unsetenv("JOB_COMPLETION_INDEX");
  unsetenv("RELULAB_SHARD_COUNT");
}

TEST(SlurmOptionsTest, ValuesThatWouldInjectDirectivesAreRefused) {
  SlurmOptions ok;
  ok.time = "1-12:00:00";
  ok.partition = "gpu,cpu";
  EXPECT_NO_THROW(check_slurm_options(ok, "/scratch/results/quick"));
  SlurmOptions time = ok;
  time.time = "01:00:00\n#SBATCH --account=someone-else";
  EXPECT_THROW(check_slurm_options(time, "/r"), std::invalid_argument);
  SlurmOptions partition = ok;
  partition.partition = "debug --qos=high";
  EXPECT_THROW(check_slurm_options(partition, "/r"), std::invalid_argument);
  EXPECT_THROW(check_slurm_options(ok, "/r/x\n#SBATCH --mem=1T"), std::invalid_argument);
}

}  // namespace
}  // namespace lab
}  // namespace relulab
