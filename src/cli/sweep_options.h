// What `sweep`, `validate`, `slurm` and the hidden `_worker` share: the
// sweep file argument, --set and --out, and loading the file with its
// errors reported as the command's.
#pragma once

#include <cxxopts.hpp>

#include <optional>
#include <string>

#include "lab/config/sweep.h"
#include "lab/run/runner.h"

namespace relulab {
namespace cli {

/// Adds FILE.yaml, --set, --out and --help to `options`.
void add_sweep_options(cxxopts::Options& options);

/// The RunOptions those give (the command line recorded for meta.json).
lab::RunOptions run_options(const cxxopts::ParseResult& parsed, int argc, char** argv);

/// The loaded sweep, or nullopt after printing "relulab <command>: <file:line: error>".
std::optional<lab::Sweep> load_or_report(const lab::RunOptions& run, const std::string& command);

/// "FILE: valid; sweep 'x' has N trials (grid), results in DIR" and the trial list.
void print_trials(const lab::Sweep& sweep, const lab::RunOptions& run);

}  // namespace cli
}  // namespace relulab
