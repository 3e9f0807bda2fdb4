// `relulab slurm FILE.yaml`: submit a sweep as a Slurm job array (docs/cluster.md).

#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "cli/commands.h"
#include "cli/parse.h"
#include "cli/sweep_options.h"
#include "lab/run/slurm.h"

namespace relulab {
namespace cli {

int slurm_command(int argc, char** argv) {
  cxxopts::Options options("relulab slurm", "Submit a sweep as a Slurm job array");
  add_sweep_options(options);
  // One option per line reads better than clang-format's wrapping.
  // clang-format off
  options.add_options()
      ("partition", "Slurm partition", cxxopts::value<std::string>()->default_value(""))
      ("time", "time limit per array task", cxxopts::value<std::string>()->default_value("01:00:00"))
      ("cpus-per-task", "CPUs per task (= trials it runs at once)", cxxopts::value<int>()->default_value("1"))
      ("max-parallel", "at most K tasks at once (%K)", cxxopts::value<int>()->default_value("0"))
      ("array-chunk", "trials per array task", cxxopts::value<int>()->default_value("1"))
      ("trial-timeout", "passed to each task's relulab sweep (seconds; 0: no limit)",
       cxxopts::value<double>()->default_value("0"))
      ("dry-run", "print the sbatch script, submit nothing");
  // clang-format on
  const auto parsed_or_help = parse_or_show_help(options, argc, argv);
  if (!parsed_or_help) return 0;
  const auto& parsed = *parsed_or_help;
  auto run = run_options(parsed, argc, argv);
  const auto sweep = load_or_report(run, "slurm");
  if (!sweep) return 2;
  lab::SlurmOptions slurm;
  slurm.partition = parsed["partition"].as<std::string>();
  slurm.time = parsed["time"].as<std::string>();
  slurm.cpus_per_task = parsed["cpus-per-task"].as<int>();
  slurm.max_parallel = parsed["max-parallel"].as<int>();
  slurm.array_chunk = parsed["array-chunk"].as<int>();
  slurm.dry_run = parsed.count("dry-run") > 0;
  run.trial_timeout = parsed["trial-timeout"].as<double>();
  slurm.relulab_path = std::filesystem::canonical("/proc/self/exe").string();
  if (slurm.cpus_per_task < 1 || slurm.array_chunk < 1 || slurm.max_parallel < 0) {
    std::cerr
        << "relulab slurm: --cpus-per-task and --array-chunk must be >= 1, --max-parallel >= 0\n";
    return 2;
  }
  try {
    return lab::submit_to_slurm(*sweep, run, slurm);  // checks its options first
  } catch (const std::invalid_argument& e) {
    std::cerr << "relulab slurm: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace cli
}  // namespace relulab
