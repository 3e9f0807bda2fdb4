// The relulab command line: `relulab <command> [options]`.

#include <cxxopts.hpp>

#include <filesystem>
#include <cmath>
#include <iostream>
#include <sstream>

#include "kernel_bench.h"
#include "lab/output/columns.h"
#include "lab/output/results_lock.h"
#include "lab/config/config_error.h"
#include "lab/config/schema.h"
#include "lab/config/sweep.h"
#include "lab/run/runner.h"
#include "lab/run/shards.h"
#include "lab/run/slurm.h"
#include "relulab/version.h"

namespace {

constexpr const char* kUsage =
    "usage: relulab <command> [options]\n"
    "commands:\n"
    "  sweep     run a sweep file: relulab sweep experiments/quick.yaml [--jobs N] [--set k=v]\n"
    "  validate  check a sweep file and list its trials, running nothing\n"
    "  bench     time every operator against LibTorch and copy_ (results/bench/kernels.csv)\n"
    "  keys      print every sweep-file key with its default (Markdown)\n"
    "  columns   print every result-CSV column with its meaning (Markdown)\n"
    "  slurm     submit a sweep as a Slurm job array (docs/cluster.md)\n"
    "  status    done / running / failed / missing trials of a results folder\n"
    "  merge     combine a sharded results folder into trials/epochs/layers.csv\n"
    "  version   print the version\n"
    "run `relulab <command> --help` for a command's options\n";

template <typename T>
std::vector<T> parse_list(const std::string& text) {
  std::vector<T> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    std::stringstream cell(item);
    T value;
    cell >> value;
    if (!cell || !cell.eof()) throw cxxopts::exceptions::parsing("bad list item '" + item + "'");
    out.push_back(value);
  }
  return out;
}

std::string joined(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) out += (i ? " " : "") + std::string(argv[i]);
  return out;
}

// Options shared by sweep, validate and the hidden _worker command.
void add_sweep_options(cxxopts::Options& options) {
  options.add_options()
      ("file", "the sweep file", cxxopts::value<std::string>())
      ("set", "override a key for every trial: --set train.epochs=1 (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("out", "results folder (default: results/<sweep name>)", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  options.parse_positional({"file"});
  options.positional_help("FILE.yaml");
}

relulab::lab::RunOptions run_options(const cxxopts::ParseResult& parsed, int argc, char** argv) {
  relulab::lab::RunOptions o;
  if (!parsed.count("file")) throw cxxopts::exceptions::parsing("missing the sweep FILE.yaml");
  o.sweep_file = parsed["file"].as<std::string>();
  if (parsed.count("set")) o.overrides = parsed["set"].as<std::vector<std::string>>();
  o.out_dir = parsed["out"].as<std::string>();
  o.command_line = "relulab " + joined(argc, argv);
  return o;
}

int sweep_command(int argc, char** argv, const char* name) {
  const std::string command = name;
  cxxopts::Options options("relulab " + command,
                           command == "validate" ? "Check a sweep file and list its trials"
                                                 : "Run a sweep: train every trial, write CSVs, resume after a crash");
  add_sweep_options(options);
  if (command == "sweep") {
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
  }
  if (command == "slurm") {
    options.add_options()
        ("partition", "Slurm partition", cxxopts::value<std::string>()->default_value(""))
        ("time", "time limit per array task", cxxopts::value<std::string>()->default_value("01:00:00"))
        ("cpus-per-task", "CPUs per task (= trials it runs at once)", cxxopts::value<int>()->default_value("1"))
        ("max-parallel", "at most K tasks at once (%K)", cxxopts::value<int>()->default_value("0"))
        ("array-chunk", "trials per array task", cxxopts::value<int>()->default_value("1"))
        ("trial-timeout", "passed to each task's relulab sweep (seconds; 0: no limit)",
         cxxopts::value<double>()->default_value("0"))
        ("dry-run", "print the sbatch script, submit nothing");
  }
  const auto parsed = options.parse(argc, argv);
  if (parsed.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  auto run = run_options(parsed, argc, argv);
  relulab::lab::Sweep sweep;
  try {
    sweep = relulab::lab::load_sweep(run.sweep_file, run.overrides);
  } catch (const relulab::lab::ConfigError& e) {
    std::cerr << "relulab " << command << ": " << e.what() << "\n";
    return 2;
  }
  if (command == "_worker") return relulab::lab::run_worker(run);
  if (command == "slurm") {
    relulab::lab::SlurmOptions slurm;
    slurm.partition = parsed["partition"].as<std::string>();
    slurm.time = parsed["time"].as<std::string>();
    slurm.cpus_per_task = parsed["cpus-per-task"].as<int>();
    slurm.max_parallel = parsed["max-parallel"].as<int>();
    slurm.array_chunk = parsed["array-chunk"].as<int>();
    slurm.dry_run = parsed.count("dry-run") > 0;
    run.trial_timeout = parsed["trial-timeout"].as<double>();
    slurm.relulab_path = std::filesystem::canonical("/proc/self/exe").string();
    if (slurm.cpus_per_task < 1 || slurm.array_chunk < 1 || slurm.max_parallel < 0) {
      std::cerr << "relulab slurm: --cpus-per-task and --array-chunk must be >= 1, --max-parallel >= 0\n";
      return 2;
    }
    try {
      return relulab::lab::submit_to_slurm(sweep, run, slurm);  // checks its options first
    } catch (const std::invalid_argument& e) {
      std::cerr << "relulab slurm: " << e.what() << "\n";
      return 2;
    }
  }
  if (command == "validate" || parsed.count("dry-run")) {
    std::cout << run.sweep_file << ": valid; sweep '" << sweep.name << "' has " << sweep.trials.size()
              << " trials (" << relulab::lab::sweep_method_name(sweep.method) << "), results in " << relulab::lab::output_dir(sweep, run)
              << "\n" << relulab::lab::describe_trials(sweep);
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
      run.shard = relulab::lab::parse_shard(parsed["shard"].as<std::string>());
    } else if (const auto env =
                   relulab::lab::shard_from_environment(parsed.count("shard-from-environment") > 0)) {
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
  return relulab::lab::run_sweep(sweep, run);
}

int bench_command(int argc, char** argv) {
  cxxopts::Options options("relulab bench", "Time relulab's kernels against LibTorch's");
  options.add_options()
      ("device", "cpu, or cuda (CUDA events; 16M/64M/256M elements, float32 and bfloat16 by default)",
       cxxopts::value<std::string>()->default_value("cpu"))
      ("elements", "comma-separated element counts (default: per device)", cxxopts::value<std::string>())
      ("threads", "comma-separated intra-op thread counts (CPU; default 1,2)", cxxopts::value<std::string>())
      ("dtypes", "comma-separated: float32, float64, bfloat16, float16 (default: per device)",
       cxxopts::value<std::string>())
      ("repetitions", "timed runs per measurement (median, min and spread reported)",
       cxxopts::value<int>()->default_value("11"))
      ("ops", "comma-separated op names (default: all)", cxxopts::value<std::string>()->default_value(""))
      ("out", "CSV path, empty for none (default: results/bench/kernels.csv, or "
              "results/gpu/kernels.csv on cuda)", cxxopts::value<std::string>())
      ("h,help", "show this help");
  const auto parsed = options.parse(argc, argv);
  if (parsed.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  const std::string device = parsed["device"].as<std::string>();
  if (device != "cpu" && device != "cuda") {
    std::cerr << "relulab bench: --device must be cpu or cuda, got '" << device << "'\n";
    return 2;
  }
  relulab::bench::KernelBenchOptions config = relulab::bench::default_options(device);
  if (parsed.count("elements")) config.elements = parse_list<int64_t>(parsed["elements"].as<std::string>());
  if (parsed.count("threads")) config.threads = parse_list<int>(parsed["threads"].as<std::string>());
  if (parsed.count("dtypes")) config.dtypes = parse_list<std::string>(parsed["dtypes"].as<std::string>());
  if (parsed.count("out")) config.csv_path = parsed["out"].as<std::string>();
  config.repetitions = parsed["repetitions"].as<int>();
  config.ops = parse_list<std::string>(parsed["ops"].as<std::string>());
  if (config.elements.empty() || config.threads.empty() || config.dtypes.empty() ||
      config.repetitions < 1) {
    std::cerr << "relulab bench: --elements, --threads, --dtypes and --repetitions must be "
                 "non-empty/positive\n";
    return 2;
  }
  relulab::bench::run_kernel_bench(config);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = argv[1];
  try {
    if (command == "bench") return bench_command(argc - 1, argv + 1);
    if (command == "sweep" || command == "validate" || command == "_worker" || command == "slurm") {
      return sweep_command(argc - 1, argv + 1, argv[1]);
    }
    if (command == "merge" || command == "status") {
      if (argc != 3 || std::string(argv[2]).rfind("-", 0) == 0) {
        std::cerr << "usage: relulab " << command << " RESULTS_DIR\n";
        return 2;
      }
      return command == "merge" ? relulab::lab::merge_command(argv[2])
                                : relulab::lab::status_command(argv[2]);
    }
    if (command == "keys") {
      std::cout << relulab::lab::schema_markdown();
      return 0;
    }
    if (command == "columns") {
      std::cout << relulab::lab::columns_markdown();
      return 0;
    }
    if (command == "version" || command == "--version") {
      std::cout << "relulab " << relulab::kVersion << "\n";
      return 0;
    }
    if (command == "help" || command == "--help" || command == "-h") {
      std::cout << kUsage;
      return 0;
    }
  } catch (const relulab::lab::ResultsLocked& e) {
    std::cerr << "relulab " << command << ": " << e.what() << "\n";
    return 2;
  } catch (const cxxopts::exceptions::exception& e) {
    std::cerr << "relulab " << command << ": " << e.what() << " (see relulab " << command << " --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "relulab " << command << ": " << e.what() << "\n";
    return 1;
  }
  std::cerr << "relulab: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
