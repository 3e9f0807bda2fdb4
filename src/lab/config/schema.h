// Every configuration key a trial has: its type, allowed values, default,
// documentation, and how it sets TrialConfig. One table serves validation,
// decoding, CSV columns and docs/config.md (a test checks they agree).
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "lab/config/config_error.h"
#include "lab/config/trial_config.h"

namespace relulab {
namespace lab {

enum class ValueType { kInt, kDouble, kBool, kString, kIntList, kActivation };

struct KeySpec {
  std::string key;  // dotted: "train.lr"; "activation" and "seed" are top level
  ValueType type;
  std::string doc;
  std::vector<std::string> choices;  // strings: the allowed values
  double min = -std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  double max = std::numeric_limits<double>::infinity();
  std::function<void(TrialConfig&, const YAML::Node&)> set;
  std::function<std::string(const TrialConfig&)> get;  // canonical text
};

/// All keys, in documentation order.
const std::vector<KeySpec>& config_schema();

/// nullptr if `key` is not a configuration key.
const KeySpec* find_key(const std::string& key);

/// " (did you mean 'train.lr'?)" or "" when nothing is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

/// Throws ConfigError unless `value` is valid for `spec`.
void check_value(const KeySpec& spec, const YAML::Node& value, const Origin& origin);

/// A YAML scalar as the variant make_activation takes.
nn::ActivationParam to_activation_param(const YAML::Node& scalar);

/// Every key as a Markdown table (key, type, default, allowed, meaning),
/// for docs/config.md (`relulab keys`).
std::string schema_markdown();

/// Shortest text that reads back as the same double.
std::string format_double(double value);

}  // namespace lab
}  // namespace relulab
