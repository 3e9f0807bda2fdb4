// `relulab merge DIR` and `relulab status DIR`: see runner.h.

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <stdexcept>

#include "lab/output/results_lock.h"
#include "lab/output/trial_records.h"
#include "lab/run/log.h"
#include "lab/run/runner.h"

namespace relulab {
namespace lab {
namespace fs = std::filesystem;
namespace {

// The sweep a results folder holds: its own snapshot, or any shard's.
Sweep snapshot_of(const std::string& dir) {
  fs::path path = fs::path(dir) / "sweep.effective.yaml";
  if (!fs::exists(path) && fs::exists(fs::path(dir) / "shards")) {
    for (const auto& entry : fs::directory_iterator(fs::path(dir) / "shards")) {
      if (fs::exists(entry.path() / "sweep.effective.yaml")) {
        path = entry.path() / "sweep.effective.yaml";
        break;
      }
    }
  }
  if (!fs::exists(path)) {
    throw std::runtime_error(
        dir + ": no sweep.effective.yaml here or in shards/*/ (is it a relulab results folder?)");
  }
  return load_sweep_snapshot(path.string());
}

}  // namespace

int merge_command(const std::string& dir) {
  const Sweep sweep = snapshot_of(dir);
  const ResultsLock lock(dir, ResultsLock::Mode::kShared, "relulab merge");
  remove_partial_writes(dir);
  for (const auto& problem : quarantine_corrupt_records(dir, sweep)) log::warn(problem);
  const auto report = merge_trial_records(dir, sweep);
  std::cout << dir << ": " << report.present << " of " << sweep.trials.size()
            << " trials merged into "
            << "trials.csv, epochs.csv, layers.csv, steps.csv; " << report.missing << " missing, "
            << report.errors << " failed, " << (report.failed - report.errors)
            << " diverged, exploded or collapsed";
  if (report.stale) std::cout << "; " << report.stale << " stale record(s) left out";
  std::cout << "\n";
  int shown = 0;
  for (const auto& t : sweep.trials) {
    const auto status = trial_record_status(dir, t);
    if ((status.empty() || is_error_status(status)) && shown++ < 20) {
      std::cout << "  " << (status.empty() ? "missing" : status) << "  " << t.id << "  (trial "
                << t.index << ")\n";
    }
  }
  if (report.missing > 0) {
    std::cout
        << "HINT: rerun the sweep (or `relulab slurm FILE` again) to run only what is missing\n";
  }
  return report.missing > 0 ? 1 : 0;
}

int status_command(const std::string& dir) {
  const Sweep sweep = snapshot_of(dir);
  int64_t done = 0, failed = 0, missing = 0;
  std::map<std::string, int64_t> outcomes;  // ok, diverged, exploded, collapsed
  for (const auto& t : sweep.trials) {
    const auto status = trial_record_status(dir, t);
    if (status.empty()) {
      ++missing;
    } else if (is_error_status(status)) {
      ++failed;
    } else {
      ++done;
      ++outcomes[status];
    }
  }
  std::string breakdown;
  for (const auto& [status, n] : outcomes) {
    breakdown += (breakdown.empty() ? "" : ", ") + std::to_string(n) + " " + status;
  }
  const auto [running, stale] = count_running(dir, 600);
  std::cout << "sweep '" << sweep.name << "' in " << dir << ": " << sweep.trials.size()
            << " trials\n"
            << "  done      " << done << (breakdown.empty() ? "" : " (" + breakdown + ")") << "\n"
            << "  running   " << running << "\n"
            << "  failed    " << failed << "\n"
            << "  missing   " << std::max<int64_t>(0, missing - running)
            << (stale ? " (" + std::to_string(stale) +
                            " with a running marker older than 10 min: crashed?)"
                      : "")
            << "\n";
  return 0;
}

}  // namespace lab
}  // namespace relulab
