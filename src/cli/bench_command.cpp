// `relulab bench`: time every operator against LibTorch and copy_.

#include <cxxopts.hpp>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/parse.h"
#include "kernel_bench.h"

namespace relulab {
namespace cli {
int bench_command(int argc, char** argv) {
  cxxopts::Options options("relulab bench", "Time relulab's kernels against LibTorch's");
  // One option per line reads better than clang-format's wrapping.
  // clang-format off
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
  // clang-format on
  const auto parsed_or_help = parse_or_show_help(options, argc, argv);
  if (!parsed_or_help) return 0;
  const auto& parsed = *parsed_or_help;
  const std::string device = parsed["device"].as<std::string>();
  if (device != "cpu" && device != "cuda") {
    std::cerr << "relulab bench: --device must be cpu or cuda, got '" << device << "'\n";
    return 2;
  }
  bench::KernelBenchOptions config = bench::default_options(device);
  if (parsed.count("elements"))
    config.elements = parse_list<int64_t>(parsed["elements"].as<std::string>());
  if (parsed.count("threads"))
    config.threads = parse_list<int>(parsed["threads"].as<std::string>());
  if (parsed.count("dtypes"))
    config.dtypes = parse_list<std::string>(parsed["dtypes"].as<std::string>());
  if (parsed.count("out")) config.csv_path = parsed["out"].as<std::string>();
  config.repetitions = parsed["repetitions"].as<int>();
  config.ops = parse_list<std::string>(parsed["ops"].as<std::string>());
  if (config.elements.empty() || config.threads.empty() || config.dtypes.empty() ||
      config.repetitions < 1) {
    std::cerr << "relulab bench: --elements, --threads, --dtypes and --repetitions must be "
                 "non-empty/positive\n";
    return 2;
  }
  bench::run_kernel_bench(config);
  return 0;
}

}  // namespace cli
}  // namespace relulab
