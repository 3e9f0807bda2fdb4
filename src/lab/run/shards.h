// Splitting a sweep's trials between the tasks of a cluster job.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lab/config/sweep.h"

namespace relulab {
namespace lab {

struct Shard {
  int index = 0;  // 0-based
  int count = 1;
  bool active() const { return count > 1; }
  /// "3-of-8": the shard's folder name under DIR/shards/.
  std::string name() const;
};

/// "I/N" with 0 <= I < N. Throws std::invalid_argument with a usage hint.
Shard parse_shard(const std::string& text);

/// The shard of an array task from its environment. Slurm's
/// SLURM_ARRAY_TASK_ID (relative to SLURM_ARRAY_TASK_MIN) of
/// SLURM_ARRAY_TASK_COUNT is read only when `slurm_requested`
/// (--shard-from-environment, which `relulab slurm`'s job script passes):
/// any sweep started inside someone's array job must not silently run a
/// fraction of its trials. A Kubernetes Indexed Job's JOB_COMPLETION_INDEX of
/// RELULAB_SHARD_COUNT is read whenever set (RELULAB_SHARD_COUNT is the
/// request). Empty when not asked or outside such a job; throws
/// std::invalid_argument when asked but the environment is missing, or the
/// index is outside [0, count).
std::optional<Shard> shard_from_environment(bool slurm_requested);

/// A trial's expected cost, for balancing: (epochs + 1) x training examples
/// x a model factor (8 for the CNN). Only ratios matter.
double expected_cost(const TrialConfig& config);

/// The trials of `candidates` (indices into sweep.trials) that belong to
/// `shard`: longest expected cost first, each to the least-loaded shard
/// (ties to the lowest). Deterministic: every task computes the same split.
std::vector<int64_t> shard_trials(const Sweep& sweep, const std::vector<int64_t>& candidates,
                                  const Shard& shard);

}  // namespace lab
}  // namespace relulab
