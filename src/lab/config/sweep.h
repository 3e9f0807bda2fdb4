// A sweep file, validated and expanded into its list of trials.
//
// YAML file (+ --set overrides) -> base config, parameter axes, zip groups,
// exclusions, seeds -> one Trial per combination, each with a stable id.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lab/config/trial_config.h"

namespace relulab {
namespace lab {

struct Trial {
  int64_t index = 0;  // position in the expanded sweep
  std::string id;     // stable hash of every configuration value, seed included
  TrialConfig config;
  /// Every schema key -> its canonical text: the configuration columns of
  /// trials.csv, identical for every trial of every sweep.
  std::map<std::string, std::string> values;
};

/// How the trials are chosen: every combination, or random draws.
enum class SweepMethod { kGrid, kRandom };
/// "grid" or "random" as the enum; nullopt for anything else.
std::optional<SweepMethod> parse_sweep_method(const std::string& text);
const char* sweep_method_name(SweepMethod method);

struct Sweep {
  std::string name;
  std::string file;
  SweepMethod method = SweepMethod::kGrid;
  /// The file's text as it was loaded: written next to the results, and the
  /// only copy workers and array tasks read (editing the file mid-run
  /// changes nothing of a running sweep).
  std::string source;
  std::vector<std::string> overrides;
  std::vector<Trial> trials;

  /// The expanded sweep as YAML: what actually ran, written next to results.
  std::string effective_yaml() const;
};

/// Loads, validates and expands `path`. `overrides` are "key=value" (--set).
/// Throws ConfigError (file, line, column, key) on any mistake, before
/// anything runs.
Sweep load_sweep(const std::string& path, const std::vector<std::string>& overrides = {});

/// A sweep as written to sweep.effective.yaml: trials with their index, id
/// and configuration values (enough to merge and report on results), no
/// typed configs. Throws ConfigError.
Sweep load_sweep_snapshot(const std::string& path);

/// The stable id of a configuration (12 hex digits): FNV-1a of its
/// "key=value" lines. Sweeps hash identity_values(), so that a key added in a
/// later version, at its default, leaves every existing trial's id (and the
/// resumption of its results) as it was.
std::string trial_id(const std::map<std::string, std::string>& values);

/// The values that differ from a default TrialConfig's (unknown keys kept).
std::map<std::string, std::string> identity_values(
    const std::map<std::string, std::string>& values);

}  // namespace lab
}  // namespace relulab
