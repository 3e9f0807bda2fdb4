// Options and loading shared by the sweep-file commands: see sweep_options.h.

#include "cli/sweep_options.h"

#include <iostream>

#include "lab/config/config_error.h"
#include "lab/run/trial_labels.h"

namespace relulab {
namespace cli {

void add_sweep_options(cxxopts::Options& options) {
  // One option per line reads better than clang-format's wrapping.
  // clang-format off
  options.add_options()
      ("file", "the sweep file", cxxopts::value<std::string>())
      ("set", "override a key for every trial: --set train.epochs=1 (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("out", "results folder (default: results/<sweep name>)", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  // clang-format on
  options.parse_positional({"file"});
  options.positional_help("FILE.yaml");
}

lab::RunOptions run_options(const cxxopts::ParseResult& parsed, int argc, char** argv) {
  lab::RunOptions o;
  if (!parsed.count("file")) throw cxxopts::exceptions::parsing("missing the sweep FILE.yaml");
  o.sweep_file = parsed["file"].as<std::string>();
  if (parsed.count("set")) o.overrides = parsed["set"].as<std::vector<std::string>>();
  o.out_dir = parsed["out"].as<std::string>();
  o.command_line = "relulab";
  for (int i = 0; i < argc; ++i) o.command_line += " " + std::string(argv[i]);
  return o;
}

std::optional<lab::Sweep> load_or_report(const lab::RunOptions& run, const std::string& command) {
  try {
    return lab::load_sweep(run.sweep_file, run.overrides);
  } catch (const lab::ConfigError& e) {
    std::cerr << "relulab " << command << ": " << e.what() << "\n";
    return std::nullopt;
  }
}

void print_trials(const lab::Sweep& sweep, const lab::RunOptions& run) {
  std::cout << run.sweep_file << ": valid; sweep '" << sweep.name << "' has " << sweep.trials.size()
            << " trials (" << lab::sweep_method_name(sweep.method) << "), results in "
            << lab::output_dir(sweep, run) << "\n"
            << lab::describe_trials(sweep);
}

}  // namespace cli
}  // namespace relulab
