// Loading and expanding sweep files: see sweep.h and docs/config.md.

#include "lab/config/sweep.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "lab/config/config_error.h"
#include "lab/config/schema.h"

namespace relulab {
namespace lab {
namespace {

// A value in the sweep and where it was written.
struct Entry {
  YAML::Node value;
  Origin origin;
};
using Assignment = std::map<std::string, Entry>;  // dotted key -> value

// One axis of the grid: its alternatives, each assigning one or more keys.
struct Axis {
  std::vector<Assignment> choices;
};

// A random-search parameter: a list to pick from, or a range.
struct Distribution {
  std::string key;
  Origin origin;
  std::vector<Entry> values;
  double min = 0, max = 0;
  bool log = false, integer = false;
};

const std::vector<std::string> kTopLevelKeys = {
    "name", "description", "method", "count",   "random_seed", "seeds",
    "base", "parameters",  "zip",    "exclude", "max_trials"};

// Sweeps larger than this are refused unless the file raises max_trials:
// a grid of 6e8 trials or seeds: 1e9 is a typo, and expanding it hangs.
constexpr int64_t kDefaultMaxTrials = 100000;

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  Origin at(const YAML::Node& node) const {
    const auto mark = node.Mark();
    return mark.is_null() ? Origin{file_} : Origin{file_, mark.line + 1, mark.column + 1};
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                         const std::string& message) const {
    throw ConfigError(at(node), key, message);
  }

  std::vector<std::string> schema_keys() const {
    std::vector<std::string> keys;
    for (const auto& spec : config_schema()) keys.push_back(spec.key);
    return keys;
  }

  const KeySpec& spec_for(const std::string& key, const Origin& origin) const {
    const KeySpec* spec = find_key(key);
    if (!spec) {
      throw ConfigError(
          origin, key,
          "unknown key" + did_you_mean(key, schema_keys()) + "; docs/config.md lists every key");
    }
    if (key == "seed") {
      throw ConfigError(origin, key, "set seeds with the top-level 'seeds:' list, not as a key");
    }
    return *spec;
  }

  // yaml-cpp keeps every pair of a map with a repeated key and lookups see
  // only the first: 'name: a' then 'name: b' would silently run as 'a'.
  void reject_duplicate_keys(const YAML::Node& node) const {
    if (node.IsMap()) {
      std::set<std::string> seen;
      for (const auto& kv : node) {
        const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
        if (!seen.insert(key).second) {
          fail(kv.first, key, "duplicate key: '" + key + "' is already set in this map");
        }
        reject_duplicate_keys(kv.second);
      }
    } else if (node.IsSequence()) {
      for (const auto& item : node) reject_duplicate_keys(item);
    }
  }

  // base: nested maps flattened to dotted keys; lists and the activation
  // (a name or a map of its own) are values.
  void flatten(const YAML::Node& node, const std::string& prefix, Assignment* out) const {
    for (const auto& kv : node) {
      const std::string key = prefix + kv.first.Scalar();
      const bool leaf = key == "activation" || !kv.second.IsMap();
      if (!leaf) {
        if (!find_key(key) &&
            std::none_of(config_schema().begin(), config_schema().end(),
                         [&](const KeySpec& s) { return s.key.rfind(key + ".", 0) == 0; })) {
          fail(kv.first, key, "unknown section" + did_you_mean(key, schema_keys()));
        }
        flatten(kv.second, key + ".", out);
        continue;
      }
      const Origin origin = at(kv.first);
      check_value(spec_for(key, origin), kv.second, at(kv.second));
      (*out)[key] = Entry{kv.second, at(kv.second)};
    }
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

std::string canonical(const KeySpec& spec, const YAML::Node& value) {
  TrialConfig config;
  spec.set(config, value);
  return spec.get(config);
}

// "train.epochs=1" -> key and value.
std::pair<std::string, YAML::Node> parse_override(const std::string& text) {
  const Origin origin{"--set " + text};
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError(origin, "", "expected --set key=value, e.g. --set train.epochs=1");
  }
  const std::string key = text.substr(0, eq);
  YAML::Node value;
  try {
    value = YAML::Load(text.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw ConfigError(origin, key, "malformed value: " + e.msg);
  }
  return {key, value};
}

uint64_t fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// A uniform double in [0, 1) from 53 random bits: the same on every
// platform, unlike std::uniform_real_distribution.
double unit_uniform(std::mt19937_64& rng) { return (rng() >> 11) * 0x1.0p-53; }

}  // namespace

std::map<std::string, std::string> identity_values(
    const std::map<std::string, std::string>& values) {
  static const auto defaults = [] {
    std::map<std::string, std::string> d;
    const TrialConfig config;
    for (const auto& spec : config_schema()) d[spec.key] = spec.get(config);
    return d;
  }();
  std::map<std::string, std::string> identity;
  for (const auto& [key, value] : values) {
    const auto it = defaults.find(key);
    if (it == defaults.end() || it->second != value) identity[key] = value;
  }
  return identity;
}

std::string trial_id(const std::map<std::string, std::string>& values) {
  std::string text;
  for (const auto& [key, value] : values) text += key + "=" + value + "\n";
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(fnv1a(text)));
  return std::string(buf, 12);
}

namespace {

// The steps of load_sweep, in order. Each reads one part of the file and
// fails with the file, line and key of the first mistake.

struct SweepFile {
  std::string source;
  YAML::Node root;
};

SweepFile read_sweep_file(const Loader& loader, const std::string& path) {
  if (!std::filesystem::exists(path)) {
    throw ConfigError(Origin{path}, "", "no such file");
  }
  SweepFile file;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(Origin{path}, "", "cannot read");
    std::ostringstream text;
    text << in.rdbuf();
    file.source = text.str();
  }
  try {
    file.root = YAML::Load(file.source);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(Origin{path, e.mark.line + 1, e.mark.column + 1}, "",
                      "malformed YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    throw ConfigError(Origin{path}, "", "cannot read: " + e.msg);
  }
  const YAML::Node& root = file.root;
  if (!root.IsMap())
    loader.fail(root, "", "a sweep file is a map with name:, base:, parameters: ...");
  loader.reject_duplicate_keys(root);
  for (const auto& kv : root) {
    const auto key = kv.first.Scalar();
    if (std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), key) == kTopLevelKeys.end()) {
      loader.fail(kv.first, key,
                  "unknown top-level key" + did_you_mean(key, kTopLevelKeys) +
                      "; valid keys: name, description, method, count, "
                      "random_seed, seeds, base, parameters, zip, exclude, max_trials");
    }
  }
  return file;
}

// The top-level scalars: name, method, count, random_seed, max_trials.
struct Header {
  std::string name;
  SweepMethod method = SweepMethod::kGrid;
  int64_t count = 0;  // random only
  uint64_t random_seed = 0;
  int64_t max_trials = kDefaultMaxTrials;
};

// Refuses a sweep that would expand past max_trials, before it is expanded.
class TrialBudget {
 public:
  TrialBudget(const Loader& loader, int64_t max_trials)
      : loader_(loader), max_trials_(max_trials) {}
  void check(const YAML::Node& where, const std::string& key, double trials) const {
    if (trials > static_cast<double>(max_trials_)) {
      const std::string n =
          trials < 9e18 ? std::to_string(static_cast<long long>(trials)) : format_double(trials);
      loader_.fail(where, key,
                   "this sweep expands to " + n + " trials, more than max_trials (" +
                       std::to_string(max_trials_) + "). HINT: if that many is intended, set " +
                       "max_trials: " + n + " at the top of the file");
    }
  }

 private:
  const Loader& loader_;
  int64_t max_trials_;
};

Header read_header(const Loader& loader, const YAML::Node& root) {
  Header header;
  if (!root["name"] || !root["name"].IsScalar() || root["name"].Scalar().empty()) {
    loader.fail(root, "name", "every sweep needs a name (it names the results folder)");
  }
  header.name = root["name"].Scalar();
  if (header.name.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
      std::string::npos) {
    loader.fail(root["name"], "name",
                "use letters, digits, '_', '-' and '.' only (it names a folder)");
  }
  if (header.name[0] == '.') {
    // '..' would put the results next to results/, '.' into it.
    loader.fail(root["name"], "name", "must not start with '.' (it names a folder under results/)");
  }
  if (const auto node = root["max_trials"]) {
    try {
      header.max_trials = node.as<int64_t>();
    } catch (const YAML::Exception&) {
      loader.fail(node, "max_trials", "must be an integer");
    }
    if (header.max_trials < 1) loader.fail(node, "max_trials", "must be >= 1");
  }
  if (const auto node = root["method"]) {
    const auto method = parse_sweep_method(node.Scalar());
    if (!method) loader.fail(node, "method", "must be grid or random, got '" + node.Scalar() + "'");
    header.method = *method;
  }
  const bool random = header.method == SweepMethod::kRandom;
  if (root["count"]) {
    if (!random) loader.fail(root["count"], "count", "applies to method: random only");
    try {
      header.count = root["count"].as<int64_t>();
    } catch (const YAML::Exception&) {
      loader.fail(root["count"], "count", "must be an integer");
    }
    if (header.count < 1) loader.fail(root["count"], "count", "must be >= 1");
    TrialBudget(loader, header.max_trials)
        .check(root["count"], "count", static_cast<double>(header.count));
  } else if (random) {
    loader.fail(root, "count", "method: random needs count: (how many trials to draw)");
  }
  if (root["random_seed"]) {
    try {
      header.random_seed = root["random_seed"].as<uint64_t>();
    } catch (const YAML::Exception&) {
      loader.fail(root["random_seed"], "random_seed", "must be a non-negative integer");
    }
  }
  return header;
}

// seeds: a list, or n for 0..n-1; [0] when absent.
std::vector<Entry> read_seeds(const Loader& loader, const YAML::Node& root,
                              const TrialBudget& budget) {
  std::vector<Entry> seeds;
  const auto node = root["seeds"];
  if (!node) return {Entry{YAML::Node(0), Origin{loader.file()}}};
  if (node.IsScalar()) {
    int64_t n = 0;
    try {
      n = node.as<int64_t>();
    } catch (const YAML::Exception&) {
      loader.fail(node, "seeds", "must be a list of integers or a count");
    }
    if (n < 1) loader.fail(node, "seeds", "must be >= 1");
    budget.check(node, "seeds", static_cast<double>(n));
    for (int64_t s = 0; s < n; ++s) seeds.push_back(Entry{YAML::Node(s), loader.at(node)});
  } else if (node.IsSequence() && node.size() > 0) {
    std::set<std::string> seen;
    for (const auto& s : node) {
      check_value(*find_key("seed"), s, loader.at(s));
      if (!seen.insert(s.Scalar()).second) loader.fail(s, "seeds", "duplicate seed " + s.Scalar());
      seeds.push_back(Entry{s, loader.at(s)});
    }
  } else {
    loader.fail(node, "seeds", "must be a non-empty list of integers or a count");
  }
  return seeds;
}

Assignment read_base(const Loader& loader, const YAML::Node& root) {
  Assignment base;
  if (const auto node = root["base"]) {
    if (!node.IsMap())
      loader.fail(node, "base", "must be a map of sections (data, model, train, ...)");
    loader.flatten(node, "", &base);
  }
  return base;
}

// What varies: grid axes (parameters and zip groups) or random distributions.
struct Variations {
  std::vector<Axis> axes;
  std::vector<Distribution> distributions;
  std::set<std::string> varied;

  void mark_varied(const Loader& loader, const std::string& key, const YAML::Node& where) {
    if (!varied.insert(key).second) loader.fail(where, key, "varied twice (parameters and zip)");
  }
};

void read_parameters(const Loader& loader, const YAML::Node& root, const Header& header,
                     Variations& variations) {
  if (const auto node = root["parameters"]) {
    if (!node.IsMap()) loader.fail(node, "parameters", "must be a map of key: {values: [...]}");
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const KeySpec& spec = loader.spec_for(key, loader.at(kv.first));
      variations.mark_varied(loader, key, kv.first);
      const YAML::Node p = kv.second;
      if (!p.IsMap())
        loader.fail(
            kv.second, key,
            "must be {values: [...]}" +
                std::string(header.method == SweepMethod::kRandom ? " or {min:, max:, log:}" : ""));
      for (const auto& field : p) {
        const auto name = field.first.Scalar();
        const std::vector<std::string> allowed = {"values", "min", "max", "log", "integer"};
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
          loader.fail(field.first, key,
                      "unknown field '" + name + "'" + did_you_mean(name, allowed) +
                          "; valid: values, min, max, log, integer");
        }
      }
      Distribution dist{key, loader.at(kv.first)};
      if (p["values"]) {
        if (!p["values"].IsSequence() || p["values"].size() == 0) {
          loader.fail(p["values"], key, "values must be a non-empty list");
        }
        for (const auto& v : p["values"]) {
          check_value(spec, v, loader.at(v));
          dist.values.push_back(Entry{v, loader.at(v)});
        }
      } else if (p["min"] || p["max"]) {
        if (header.method != SweepMethod::kRandom)
          loader.fail(kv.second, key, "min/max ranges need method: random; use values: for a grid");
        if (!p["min"] || !p["max"]) loader.fail(kv.second, key, "a range needs both min and max");
        if (spec.type != ValueType::kInt && spec.type != ValueType::kDouble) {
          loader.fail(kv.second, key, "a range needs a numeric key");
        }
        check_value(spec, p["min"], loader.at(p["min"]));
        check_value(spec, p["max"], loader.at(p["max"]));
        dist.min = p["min"].as<double>();
        dist.max = p["max"].as<double>();
        const auto flag = [&](const char* field) {
          bool on = false;
          if (p[field] && !YAML::convert<bool>::decode(p[field], on)) {
            loader.fail(p[field], key,
                        std::string(field) + " must be true or false, got " +
                            (p[field].IsScalar() ? p[field].Scalar() : "a collection"));
          }
          return on;
        };
        dist.log = flag("log");
        dist.integer = spec.type == ValueType::kInt || flag("integer");
        if (!(dist.min <= dist.max)) loader.fail(p["min"], key, "min must be <= max");
        if (dist.log && !(dist.min > 0)) loader.fail(p["min"], key, "log ranges need min > 0");
      } else {
        loader.fail(kv.second, key, "needs values: [...] (or min/max with method: random)");
      }
      if (header.method == SweepMethod::kGrid) {
        Axis axis;
        for (const auto& v : dist.values) axis.choices.push_back({{key, v}});
        variations.axes.push_back(axis);
      } else {
        variations.distributions.push_back(dist);
      }
    }
  }
}

// zip: groups of keys whose lists advance together (one axis per group).
void read_zip(const Loader& loader, const YAML::Node& root, Variations& variations) {
  if (const auto node = root["zip"]) {
    if (!node.IsSequence())
      loader.fail(node, "zip", "must be a list of groups {key: [values], ...}");
    for (const auto& group : node) {
      if (!group.IsMap() || group.size() < 1)
        loader.fail(group, "zip", "each group is a map key: [values]");
      Axis axis;
      size_t length = 0;
      for (const auto& kv : group) {
        const std::string key = kv.first.Scalar();
        const KeySpec& spec = loader.spec_for(key, loader.at(kv.first));
        variations.mark_varied(loader, key, kv.first);
        if (!kv.second.IsSequence() || kv.second.size() == 0)
          loader.fail(kv.second, key, "must be a non-empty list");
        if (length == 0) {
          length = kv.second.size();
          axis.choices.resize(length);
        } else if (kv.second.size() != length) {
          loader.fail(kv.second, key,
                      "zip lists must have equal lengths: " + std::to_string(kv.second.size()) +
                          " vs " + std::to_string(length));
        }
        for (size_t i = 0; i < length; ++i) {
          check_value(spec, kv.second[i], loader.at(kv.second[i]));
          axis.choices[i][key] = Entry{kv.second[i], loader.at(kv.second[i])};
        }
      }
      variations.axes.push_back(axis);
    }
  }
}

void apply_overrides(const Loader& loader, const std::vector<std::string>& overrides,
                     Assignment& base, Variations& variations) {
  // --set overrides win over base and over any axis that varies the key.
  for (const auto& text : overrides) {
    // Not a structured binding: lambdas below capture `key`, which C++17
    // allows for variables only (clang refuses the binding).
    const auto parsed = parse_override(text);
    const std::string& key = parsed.first;
    const YAML::Node& value = parsed.second;
    const Origin origin{"--set " + text};
    const KeySpec& spec = loader.spec_for(key, origin);
    check_value(spec, value, origin);
    base[key] = Entry{value, origin};
    for (auto& axis : variations.axes) {
      for (auto& choice : axis.choices) choice.erase(key);
    }
    // An axis left with nothing to vary goes (a zip group keeps its other keys).
    variations.axes.erase(
        std::remove_if(variations.axes.begin(), variations.axes.end(),
                       [](const Axis& a) { return a.choices.empty() || a.choices[0].empty(); }),
        variations.axes.end());
    variations.distributions.erase(
        std::remove_if(variations.distributions.begin(), variations.distributions.end(),
                       [&](const Distribution& d) { return d.key == key; }),
        variations.distributions.end());
  }
}

// exclude: partial assignments, each key matching one canonical value or,
// written {values: [...]} as under parameters:, any of several. A trial is
// dropped when every key of a rule matches.
using Exclusion = std::map<std::string, std::vector<std::string>>;
std::vector<Exclusion> read_excludes(const Loader& loader, const YAML::Node& root) {
  std::vector<Exclusion> excludes;
  if (const auto node = root["exclude"]) {
    if (!node.IsSequence()) loader.fail(node, "exclude", "must be a list of {key: value, ...}");
    for (const auto& rule : node) {
      if (!rule.IsMap()) loader.fail(rule, "exclude", "each rule is a map key: value");
      Exclusion r;
      for (const auto& kv : rule) {
        const std::string key = kv.first.Scalar();
        const KeySpec& spec = loader.spec_for(key, loader.at(kv.first));
        // No configuration value is a map whose only key is `values`
        // (an activation's map has `name`), so the form is unambiguous.
        const YAML::Node value = kv.second;  // const: operator[] must not insert
        std::vector<YAML::Node> candidates{value};
        if (value.IsMap() && value.size() == 1 && value["values"]) {
          const YAML::Node values = value["values"];
          if (!values.IsSequence() || values.size() == 0) {
            loader.fail(values, key, "exclude: {values: [...]} takes a non-empty list");
          }
          candidates.clear();
          for (const auto& v : values) candidates.push_back(v);
        }
        std::vector<std::string>& matches = r[key];
        for (const auto& candidate : candidates) {
          check_value(spec, candidate, loader.at(candidate));
          matches.push_back(canonical(spec, candidate));
        }
      }
      excludes.push_back(r);
    }
  }
  return excludes;
}

// The combinations: a grid, or random draws. Counted (against max_trials)
// before they exist.
std::vector<Assignment> expand_combinations(const YAML::Node& root, const Header& header,
                                            const Variations& variations, size_t seeds,
                                            const TrialBudget& budget) {
  const bool grid = header.method == SweepMethod::kGrid;
  double expected = static_cast<double>(seeds) * (grid ? 1.0 : static_cast<double>(header.count));
  if (grid) {
    for (const auto& axis : variations.axes) expected *= static_cast<double>(axis.choices.size());
  }
  budget.check(root["parameters"] ? root["parameters"] : root, "parameters", expected);
  std::vector<Assignment> combos;
  if (grid) {
    combos.push_back({});
    for (const auto& axis : variations.axes) {
      std::vector<Assignment> next;
      for (const auto& combo : combos) {
        for (const auto& choice : axis.choices) {
          Assignment a = combo;
          for (const auto& [k, v] : choice) a[k] = v;
          next.push_back(a);
        }
      }
      combos = next;
    }
  } else {
    std::mt19937_64 rng(header.random_seed);
    for (int64_t i = 0; i < header.count; ++i) {
      Assignment a;
      for (const auto& d : variations.distributions) {
        if (!d.values.empty()) {
          a[d.key] = d.values[std::min(d.values.size() - 1,
                                       static_cast<size_t>(unit_uniform(rng) * d.values.size()))];
          continue;
        }
        const double u = unit_uniform(rng);
        double v = d.log ? std::exp(std::log(d.min) + u * (std::log(d.max) - std::log(d.min)))
                         : d.min + u * (d.max - d.min);
        a[d.key] = Entry{d.integer ? YAML::Node(static_cast<int64_t>(std::llround(v)))
                                   : YAML::Node(format_double(v)),
                         d.origin};
      }
      for (const auto& axis : variations.axes) {
        const auto& choice = axis.choices[std::min(
            axis.choices.size() - 1, static_cast<size_t>(unit_uniform(rng) * axis.choices.size()))];
        for (const auto& [k, v] : choice) a[k] = v;
      }
      combos.push_back(a);
    }
  }

  return combos;
}

// Rules that involve several keys, reported at the key that breaks them.
void check_rules_across_keys(const TrialConfig& c,
                             const std::function<Origin(const std::string&)>& origin_of) {
  if (c.train.nesterov && c.train.momentum <= 0) {
    throw ConfigError(origin_of("train.nesterov"), "train.nesterov", "needs train.momentum > 0");
  }
  if ((c.model.depth > 0) != (c.model.width > 0)) {
    throw ConfigError(origin_of(c.model.depth > 0 ? "model.depth" : "model.width"),
                      c.model.depth > 0 ? "model.depth" : "model.width",
                      "model.depth and model.width go together (or use model.hidden)");
  }
  if (c.model.arch != Arch::kCnn && !c.model.dense.empty()) {
    throw ConfigError(origin_of("model.dense"), "model.dense",
                      "applies to model.arch: cnn only (an mlp's widths are model.hidden)");
  }
  if (c.model.arch == Arch::kCnn && c.data.dataset != DatasetKind::kFashionMnist) {
    throw ConfigError(
        origin_of("model.arch"), "model.arch",
        "cnn needs image data (data.dataset: fashion-mnist), got " + name_of(c.data.dataset));
  }
  if (c.data.dataset == DatasetKind::kGaussian && c.train.epochs != 0) {
    throw ConfigError(origin_of("train.epochs"), "train.epochs",
                      "the gaussian dataset has no labels: it measures at initialisation "
                      "only, so train.epochs must be 0");
  }
  if (c.data.dataset == DatasetKind::kFashionMnist) {
    for (const char* f : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                          "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
      if (!std::filesystem::exists(std::filesystem::path(c.data.path) / f)) {
        throw ConfigError(origin_of("data.path"), "data.path",
                          "missing " + (std::filesystem::path(c.data.path) / f).string() +
                              "; HINT: apt-get install dataset-fashion-mnist (scripts/setup does)");
      }
    }
  }
}

// One Trial per combination and seed, base values under the combination's,
// excluded ones left out; identical trials are an error.
void add_trials(const std::string& path, const Assignment& base,
                const std::vector<Assignment>& combos, const std::vector<Entry>& seeds,
                const std::vector<Exclusion>& excludes, Sweep& sweep) {
  std::map<std::string, int64_t> seen_ids;
  for (const auto& combo : combos) {
    for (const auto& seed : seeds) {
      Assignment full = base;
      for (const auto& [k, v] : combo) full[k] = v;
      full["seed"] = seed;
      Trial trial;
      for (const auto& spec : config_schema()) {
        const auto it = full.find(spec.key);
        if (it != full.end()) spec.set(trial.config, it->second.value);
      }
      for (const auto& spec : config_schema()) trial.values[spec.key] = spec.get(trial.config);
      const bool excluded = std::any_of(excludes.begin(), excludes.end(), [&](const auto& rule) {
        return std::all_of(rule.begin(), rule.end(), [&](const auto& kv) {
          const auto& matches = kv.second;
          return std::find(matches.begin(), matches.end(), trial.values.at(kv.first)) !=
                 matches.end();
        });
      });
      if (excluded) continue;

      check_rules_across_keys(trial.config, [&](const std::string& key) {
        const auto it = full.find(key);
        return it == full.end() ? Origin{path} : it->second.origin;
      });
      trial.id = trial_id(identity_values(trial.values));
      const auto [it, inserted] =
          seen_ids.emplace(trial.id, static_cast<int64_t>(sweep.trials.size()));
      if (!inserted) {
        throw ConfigError(Origin{path}, "",
                          "trials " + std::to_string(it->second) + " and " +
                              std::to_string(sweep.trials.size()) + " are identical (" + trial.id +
                              "); remove the duplicate value");
      }
      trial.index = static_cast<int64_t>(sweep.trials.size());
      sweep.trials.push_back(std::move(trial));
    }
  }
}

Sweep load_sweep_unguarded(const std::string& path, const std::vector<std::string>& overrides) {
  const Loader loader(path);
  const SweepFile file = read_sweep_file(loader, path);
  const YAML::Node& root = file.root;
  const Header header = read_header(loader, root);
  const TrialBudget budget(loader, header.max_trials);
  const std::vector<Entry> seeds = read_seeds(loader, root, budget);
  Assignment base = read_base(loader, root);
  Variations variations;
  read_parameters(loader, root, header, variations);
  read_zip(loader, root, variations);
  apply_overrides(loader, overrides, base, variations);
  const std::vector<Exclusion> excludes = read_excludes(loader, root);
  const auto combos = expand_combinations(root, header, variations, seeds.size(), budget);

  Sweep sweep;
  sweep.file = path;
  sweep.source = file.source;
  sweep.overrides = overrides;
  sweep.name = header.name;
  sweep.method = header.method;
  add_trials(path, base, combos, seeds, excludes, sweep);
  if (sweep.trials.empty()) throw ConfigError(Origin{path}, "exclude", "every trial is excluded");
  return sweep;
}

}  // namespace

std::optional<SweepMethod> parse_sweep_method(const std::string& text) {
  if (text == "grid") return SweepMethod::kGrid;
  if (text == "random") return SweepMethod::kRandom;
  return std::nullopt;
}

const char* sweep_method_name(SweepMethod method) {
  return method == SweepMethod::kGrid ? "grid" : "random";
}

// Every mistake must come out as a ConfigError naming the file, line and
// key; a yaml-cpp conversion that slipped past the checks above (the fuzzer
// found one: 'log: prue') still does, instead of escaping as a bare
// YAML::BadConversion.
Sweep load_sweep(const std::string& path, const std::vector<std::string>& overrides) {
  try {
    return load_sweep_unguarded(path, overrides);
  } catch (const YAML::Exception& e) {
    const Origin origin =
        e.mark.is_null() ? Origin{path} : Origin{path, e.mark.line + 1, e.mark.column + 1};
    throw ConfigError(origin, "", "invalid value: " + e.msg);
  }
}

Sweep load_sweep_snapshot(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw ConfigError(Origin{path}, "", "cannot read the sweep snapshot: " + e.msg);
  }
  Sweep sweep;
  sweep.file = path;
  sweep.name = root["name"] ? root["name"].Scalar() : "";
  if (root["method"])
    sweep.method = parse_sweep_method(root["method"].Scalar()).value_or(SweepMethod::kGrid);
  if (!root["trials"] || !root["trials"].IsSequence()) {
    throw ConfigError(Origin{path}, "trials", "not a relulab sweep snapshot (no trials list)");
  }
  for (const auto& t : root["trials"]) {
    Trial trial;
    trial.index = static_cast<int64_t>(sweep.trials.size());
    trial.id = t["id"].Scalar();
    for (const auto& kv : t["config"]) trial.values[kv.first.Scalar()] = kv.second.Scalar();
    sweep.trials.push_back(std::move(trial));
  }
  return sweep;
}

std::string Sweep::effective_yaml() const {
  YAML::Emitter out;
  out << YAML::Comment("Generated by relulab: the expanded sweep that produced these results.");
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << name;
  out << YAML::Key << "source" << YAML::Value << file;
  out << YAML::Key << "method" << YAML::Value << sweep_method_name(method);
  out << YAML::Key << "overrides" << YAML::Value << YAML::Flow << overrides;
  out << YAML::Key << "trials" << YAML::Value << YAML::BeginSeq;
  for (const auto& t : trials) {
    out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << t.id;
    out << YAML::Key << "config" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : t.values) out << YAML::Key << k << YAML::Value << v;
    out << YAML::EndMap << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace lab
}  // namespace relulab
