// `relulab validate FILE.yaml`: check a sweep file and list its trials.

#include <iostream>

#include "cli/commands.h"
#include "cli/parse.h"
#include "cli/sweep_options.h"

namespace relulab {
namespace cli {

int validate_command(int argc, char** argv) {
  cxxopts::Options options("relulab validate", "Check a sweep file and list its trials");
  add_sweep_options(options);
  const auto parsed_or_help = parse_or_show_help(options, argc, argv);
  if (!parsed_or_help) return 0;
  const auto& parsed = *parsed_or_help;
  const auto run = run_options(parsed, argc, argv);
  const auto sweep = load_or_report(run, "validate");
  if (!sweep) return 2;
  print_trials(*sweep, run);
  return 0;
}

}  // namespace cli
}  // namespace relulab
