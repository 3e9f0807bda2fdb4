// Running a sweep: trials that already have records are skipped, the rest
// run in worker processes (--jobs at once), results are merged after each
// trial, and a summary closes the run.
#pragma once

#include <string>
#include <vector>

#include "lab/config/sweep.h"
#include "lab/run/shards.h"

namespace relulab {
namespace lab {

struct RunOptions {
  std::string sweep_file;
  std::vector<std::string> overrides;  // --set key=value
  std::string out_dir;                 // "": results/<sweep name>
  int jobs = 0;                        // trials at once; 0: one per CPU core
  bool force = false;                  // discard existing records first
  std::string command_line;            // for meta.json
  Shard shard;                         // this process's share (count 1: all)
  bool retry_failed = false;           // rerun trials recorded as failed
  std::string only_ids_file;           // run only the trial ids listed there
  double trial_timeout = 0;            // seconds before a trial's worker is killed; 0: none
};

/// Exit status: 0 if every trial finished and none failed, 1 if some
/// failed, 130 if interrupted (rerun the same command to resume).
int run_sweep(const Sweep& sweep, const RunOptions& options);

/// The results folder for `sweep` under `options`.
std::string output_dir(const Sweep& sweep, const RunOptions& options);

/// The trial indices `options` selects before sharding: all, or those
/// listed in only_ids_file. Throws std::runtime_error for unknown ids.
std::vector<int64_t> selected_trials(const Sweep& sweep, const RunOptions& options);

// results_commands.cpp:

/// `relulab merge DIR`: rebuilds DIR's CSVs from every record (all shards),
/// reports missing and failed trials; non-zero exit if any is missing.
int merge_command(const std::string& dir);

/// `relulab status DIR`: done / running / failed / missing counts.
int status_command(const std::string& dir);

}  // namespace lab
}  // namespace relulab
