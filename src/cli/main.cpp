// The relulab command line: `relulab <command> [options]`.

#include <cxxopts.hpp>

#include <iostream>
#include <sstream>

#include "kernel_bench.h"
#include "relulab/version.h"

namespace {

constexpr const char* kUsage =
    "usage: relulab <command> [options]\n"
    "commands:\n"
    "  bench     time every operator against LibTorch and copy_ (results/bench/kernels.csv)\n"
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

int bench_command(int argc, char** argv) {
  cxxopts::Options options("relulab bench", "Time relulab's kernels against LibTorch's");
  relulab::bench::KernelBenchOptions defaults;
  options.add_options()
      ("elements", "comma-separated float32 element counts",
       cxxopts::value<std::string>()->default_value("262144,4194304,16777216"))
      ("threads", "comma-separated intra-op thread counts",
       cxxopts::value<std::string>()->default_value("1,2"))
      ("repetitions", "timed runs per measurement (median reported)",
       cxxopts::value<int>()->default_value(std::to_string(defaults.repetitions)))
      ("ops", "comma-separated op names (default: all)", cxxopts::value<std::string>()->default_value(""))
      ("out", "CSV path (empty: none)", cxxopts::value<std::string>()->default_value(defaults.csv_path))
      ("h,help", "show this help");
  const auto parsed = options.parse(argc, argv);
  if (parsed.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  relulab::bench::KernelBenchOptions config;
  config.elements = parse_list<int64_t>(parsed["elements"].as<std::string>());
  config.threads = parse_list<int>(parsed["threads"].as<std::string>());
  config.repetitions = parsed["repetitions"].as<int>();
  config.ops = parse_list<std::string>(parsed["ops"].as<std::string>());
  config.csv_path = parsed["out"].as<std::string>();
  if (config.elements.empty() || config.threads.empty() || config.repetitions < 1) {
    std::cerr << "relulab bench: --elements, --threads and --repetitions must be non-empty/positive\n";
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
    if (command == "version" || command == "--version") {
      std::cout << "relulab " << relulab::kVersion << "\n";
      return 0;
    }
    if (command == "help" || command == "--help" || command == "-h") {
      std::cout << kUsage;
      return 0;
    }
  } catch (const cxxopts::exceptions::exception& e) {
    std::cerr << "relulab " << command << ": " << e.what() << "\n";
    return 2;
  }
  std::cerr << "relulab: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
