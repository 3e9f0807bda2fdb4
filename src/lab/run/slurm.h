// `relulab slurm`: a sweep as a Slurm job array.
#pragma once

#include <string>

#include "lab/run/runner.h"

namespace relulab {
namespace lab {

struct SlurmOptions {
  std::string partition;  // "": the cluster's default
  std::string time = "01:00:00";
  int cpus_per_task = 1;     // also the trials each task runs at once
  int max_parallel = 0;      // %K throttle; 0: none
  int array_chunk = 1;       // trials per array task (at least)
  bool dry_run = false;      // print the script, submit nothing
  std::string relulab_path;  // this executable, absolute
};

/// Refuses option values that would change the job script's meaning (a
/// newline in --time, --partition or the results path starts a directive of
/// its own). Throws std::invalid_argument.
void check_slurm_options(const SlurmOptions& slurm, const std::string& results_dir);

/// Writes DIR/slurm/<stamp>/{pending.txt,submit.sbatch} for the trials that
/// have no result or failed, and submits the script with sbatch (which
/// returns at once). Each array task runs `relulab sweep FILE --only-ids
/// pending.txt --retry-failed` and takes its shard from SLURM_ARRAY_TASK_ID
/// / SLURM_ARRAY_TASK_COUNT. Returns the exit status.
int submit_to_slurm(const Sweep& sweep, const RunOptions& run, const SlurmOptions& slurm);

/// The cluster's MaxArraySize (`scontrol show config`), or `fallback`.
int max_array_size(int fallback);

}  // namespace lab
}  // namespace relulab
