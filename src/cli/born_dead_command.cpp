// `relulab born-dead`: the share of freshly initialised ReLU networks that
// are constant functions, over a (width, depth) grid (Lu et al. 2019).

#include <cxxopts.hpp>

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/parse.h"
#include "lab/output/csv.h"
#include "lab/output/provenance.h"
#include "lab/stats/born_dead.h"

namespace relulab {
namespace cli {
namespace {

// The CSV's columns; their meanings are in --help and docs/statistics.md.
const lab::CsvRow kHeader = {"width",      "depth",           "networks", "born_dead",
                             "input_dim",  "probe_size",      "bias_std", "seed",
                             "git_commit", "libtorch_version"};

}  // namespace

int born_dead_command(int argc, char** argv) {
  cxxopts::Options options(
      "relulab born-dead",
      "Share of freshly initialised ReLU networks that are constant functions (born dead).\n"
      "Writes one CSV row per (width, depth): width, depth (hidden layers), networks drawn,\n"
      "born_dead (how many had some hidden layer zero on every probe input), and the setup.\n"
      "Weights He-normal N(0, 2/fan_in); biases N(0, bias_std^2), zero by default.");
  // clang-format off
  options.add_options()
      ("widths", "comma-separated widths or ranges, e.g. 2-10", cxxopts::value<std::string>()->default_value("2-10"))
      ("depths", "comma-separated depths (hidden layers) or ranges", cxxopts::value<std::string>()->default_value("2-40"))
      ("networks", "networks per cell", cxxopts::value<int64_t>()->default_value("1000"))
      ("input-dim", "input dimension", cxxopts::value<int64_t>()->default_value("1"))
      ("probe-size", "standard Gaussian probe inputs per cell", cxxopts::value<int64_t>()->default_value("1000"))
      ("bias-std", "standard deviation of the hidden biases (0: zero biases)", cxxopts::value<double>()->default_value("0"))
      ("seed", "seed of the experiment", cxxopts::value<uint64_t>()->default_value("0"))
      ("threads", "intra-op threads", cxxopts::value<int>()->default_value("1"))
      ("out", "CSV to write (replaced atomically)", cxxopts::value<std::string>())
      ("h,help", "show this help");
  // clang-format on
  const auto parsed_or_help = parse_or_show_help(options, argc, argv);
  if (!parsed_or_help) return 0;
  const auto& parsed = *parsed_or_help;
  if (!parsed.count("out")) {
    std::cerr << "relulab born-dead: --out CSV is required\n";
    return 2;
  }
  lab::BornDeadSetup setup;
  setup.networks = parsed["networks"].as<int64_t>();
  setup.input_dim = parsed["input-dim"].as<int64_t>();
  setup.probe_size = parsed["probe-size"].as<int64_t>();
  setup.bias_std = parsed["bias-std"].as<double>();
  setup.seed = parsed["seed"].as<uint64_t>();
  const auto widths = parse_ranges(parsed["widths"].as<std::string>());
  const auto depths = parse_ranges(parsed["depths"].as<std::string>());
  const int threads = parsed["threads"].as<int>();
  if (widths.empty() || depths.empty() || threads < 1) {
    std::cerr << "relulab born-dead: --widths and --depths must be non-empty, --threads >= 1\n";
    return 2;
  }
  // Checked here too (simulate_born_dead would refuse them), so a bad value
  // is a usage error (exit 2) before any work, not a failure after a cell.
  if (setup.networks < 1 || setup.input_dim < 1 || setup.probe_size < 1 || !(setup.bias_std >= 0) ||
      !std::isfinite(setup.bias_std)) {
    std::cerr << "relulab born-dead: --networks, --input-dim and --probe-size must be >= 1 and "
                 "--bias-std a finite number >= 0\n";
    return 2;
  }
  at::set_num_threads(threads);

  const auto& source = lab::provenance();
  std::string csv = lab::csv_line(kHeader);
  const auto start = std::chrono::steady_clock::now();
  for (const int64_t width : widths) {
    for (const int64_t depth : depths) {
      const auto cell = lab::simulate_born_dead(width, depth, setup);
      csv += lab::csv_line({std::to_string(cell.width), std::to_string(cell.depth),
                            std::to_string(cell.networks), std::to_string(cell.born_dead),
                            std::to_string(setup.input_dim), std::to_string(setup.probe_size),
                            lab::csv_number(setup.bias_std), std::to_string(setup.seed),
                            source.git_commit, source.libtorch_version});
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    std::cerr << "born-dead: width " << width << " done (" << elapsed.count() << " s)\n";
  }
  lab::write_file_atomically(parsed["out"].as<std::string>(), csv);
  return 0;
}

}  // namespace cli
}  // namespace relulab
