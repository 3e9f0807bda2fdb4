// `relulab sweep FILE.yaml`: train every trial of a sweep, write the CSVs,
// resume after a crash.

#include <cmath>
#include <iostream>
#include <stdexcept>

#include "cli/commands.h"
#include "cli/parse.h"
#include "cli/sweep_options.h"
#include "lab/run/shards.h"

namespace relulab {
namespace cli {

int sweep_command(int argc, char** argv) {
  cxxopts::Options options("relulab sweep",
                           "Run a sweep: train every trial, write CSVs, resume after a crash");
  add_sweep_options(options);
  // One option per line reads better than clang-format's wrapping.
  // clang-format off
  options.add_options()
      ("j,jobs", "trials at once (default: one per CPU core)", cxxopts::value<int>()->default_value("0"))
      ("force", "discard existing results and start over")
      ("dry-run", "list the trials and stop")
      ("shard", "run only shard I of N (I/N; default: all trials, or JOB_COMPLETION_INDEX "
                "of RELULAB_SHARD_COUNT when that is set)", cxxopts::value<std::string>())
      ("shard-from-environment", "take the shard from SLURM_ARRAY_TASK_ID/COUNT (relulab "
                                 "slurm's job script passes this)")
      ("retry-failed", "rerun trials whose result is 'failed' or 'timeout'")
      ("trial-timeout", "seconds a trial may run before its worker is stopped and the trial "
                        "recorded as 'timeout' (0: no limit)",
       cxxopts::value<double>()->default_value("0"))
      ("only-ids", "run only the trial ids listed in this file", cxxopts::value<std::string>());
  // clang-format on
  const auto parsed_or_help = parse_or_show_help(options, argc, argv);
  if (!parsed_or_help) return 0;
  const auto& parsed = *parsed_or_help;
  auto run = run_options(parsed, argc, argv);
  const auto sweep = load_or_report(run, "sweep");
  if (!sweep) return 2;
  if (parsed.count("dry-run")) {
    print_trials(*sweep, run);
    return 0;
  }
  run.jobs = parsed["jobs"].as<int>();
  run.force = parsed.count("force") > 0;
  run.retry_failed = parsed.count("retry-failed") > 0;
  run.trial_timeout = parsed["trial-timeout"].as<double>();
  if (!(run.trial_timeout >= 0) || !std::isfinite(run.trial_timeout)) {
    std::cerr << "relulab sweep: --trial-timeout must be a number of seconds >= 0\n";
    return 2;
  }
  if (parsed.count("only-ids")) run.only_ids_file = parsed["only-ids"].as<std::string>();
  try {
    if (parsed.count("shard")) {
      run.shard = lab::parse_shard(parsed["shard"].as<std::string>());
    } else if (const auto env =
                   lab::shard_from_environment(parsed.count("shard-from-environment") > 0)) {
      run.shard = *env;
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << "relulab sweep: " << e.what() << "\n";
    return 2;
  }
  if (run.jobs < 0) {
    std::cerr << "relulab sweep: --jobs must be >= 0\n";
    return 2;
  }
  return lab::run_sweep(*sweep, run);
}

}  // namespace cli
}  // namespace relulab
