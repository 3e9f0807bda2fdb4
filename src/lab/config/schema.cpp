// The configuration schema: see schema.h.

#include "lab/config/schema.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>
#include <variant>

#include "relulab/nn/factory.h"

namespace relulab {
namespace lab {
namespace {

template <typename T>
std::string join(const std::vector<T>& items, const char* sep = ", ") {
  std::ostringstream out;
  for (size_t i = 0; i < items.size(); ++i) out << (i ? sep : "") << items[i];
  return out.str();
}

std::string type_name(ValueType type) {
  switch (type) {
    case ValueType::kInt:
      return "an integer";
    case ValueType::kDouble:
      return "a number";
    case ValueType::kBool:
      return "true or false";
    case ValueType::kString:
      return "a string";
    case ValueType::kIntList:
      return "a list of integers";
    case ValueType::kActivation:
      return "an activation name or {name: ..., params...}";
  }
  return "?";
}

bool parse_int(const YAML::Node& n, int64_t* out) {
  if (!n.IsScalar()) return false;
  const std::string& s = n.Scalar();
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_double(const YAML::Node& n, double* out) {
  if (!n.IsScalar()) return false;
  const std::string& s = n.Scalar();
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size();
}

bool parse_bool(const YAML::Node& n, bool* out) {
  if (!n.IsScalar()) return false;
  const std::string& s = n.Scalar();
  if (s == "true" || s == "True") return (*out = true), true;
  if (s == "false" || s == "False") return (*out = false), true;
  return false;
}

std::string format_int_list(const std::vector<int64_t>& v) { return "[" + join(v) + "]"; }

// Builders for the table below. `field` is a generic lambda returning a
// reference into the config, so one accessor serves set (TrialConfig&) and
// get (const TrialConfig&).
template <typename Field>
KeySpec int_key(std::string key, Field field, double min, std::string doc) {
  KeySpec s{std::move(key), ValueType::kInt, std::move(doc)};
  s.min = min;
  s.set = [field](TrialConfig& c, const YAML::Node& n) {
    int64_t v = 0;
    parse_int(n, &v);
    field(c) = v;
  };
  s.get = [field](const TrialConfig& c) { return std::to_string(field(c)); };
  return s;
}

template <typename Field>
KeySpec double_key(std::string key, Field field, double min, bool min_exclusive, double max,
                   std::string doc) {
  KeySpec s{std::move(key), ValueType::kDouble, std::move(doc)};
  s.min = min;
  s.min_exclusive = min_exclusive;
  s.max = max;
  s.set = [field](TrialConfig& c, const YAML::Node& n) {
    double v = 0;
    parse_double(n, &v);
    field(c) = v;
  };
  s.get = [field](const TrialConfig& c) { return format_double(field(c)); };
  return s;
}

template <typename Field>
KeySpec bool_key(std::string key, Field field, std::string doc) {
  KeySpec s{std::move(key), ValueType::kBool, std::move(doc)};
  s.set = [field](TrialConfig& c, const YAML::Node& n) {
    bool v = false;
    parse_bool(n, &v);
    field(c) = v;
  };
  s.get = [field](const TrialConfig& c) { return field(c) ? "true" : "false"; };
  return s;
}

template <typename Field>
KeySpec string_key(std::string key, Field field, std::vector<std::string> choices,
                   std::string doc) {
  KeySpec s{std::move(key), ValueType::kString, std::move(doc)};
  s.choices = std::move(choices);
  s.set = [field](TrialConfig& c, const YAML::Node& n) { field(c) = n.Scalar(); };
  s.get = [field](const TrialConfig& c) { return field(c); };
  return s;
}

// A choice among an enum's named values (choices.h).
template <typename Choice, typename Field>
KeySpec choice_key(std::string key, Field field, std::string doc) {
  KeySpec s{std::move(key), ValueType::kString, std::move(doc)};
  s.choices = choice_names<Choice>();
  // check_value has accepted only the choices' names by now.
  s.set = [field](TrialConfig& c, const YAML::Node& n) {
    field(c) = *parse_choice<Choice>(n.Scalar());
  };
  s.get = [field](const TrialConfig& c) { return name_of(field(c)); };
  return s;
}

template <typename Field>
KeySpec int_list_key(std::string key, Field field, std::string doc) {
  KeySpec s{std::move(key), ValueType::kIntList, std::move(doc)};
  s.min = 1;
  s.set = [field](TrialConfig& c, const YAML::Node& n) {
    std::vector<int64_t> v;
    for (const auto& item : n) {
      int64_t x = 0;
      parse_int(item, &x);
      v.push_back(x);
    }
    field(c) = v;
  };
  s.get = [field](const TrialConfig& c) { return format_int_list(field(c)); };
  return s;
}

KeySpec activation_key() {
  std::string names;
  for (const auto& name : nn::activation_names()) names += (names.empty() ? "" : ", ") + name;
  KeySpec s{"activation", ValueType::kActivation,
            "The activation of every hidden layer: a name (" + names +
                ") or {name: ..., parameter: value} with the parameters of "
                "relulab::nn::make_activation; prelu also takes "
                "per_channel: true (one slope per unit or channel)."};
  s.set = [](TrialConfig& c, const YAML::Node& n) {
    ActivationConfig a;
    if (n.IsScalar()) {
      a.name = n.Scalar();
    } else {
      for (const auto& kv : n) {
        const auto key = kv.first.Scalar();
        if (key == "name") {
          a.name = kv.second.Scalar();
        } else if (key == "per_channel") {
          parse_bool(kv.second, &a.per_channel);
        } else {
          a.params[key] = to_activation_param(kv.second);
        }
      }
    }
    c.activation = a;
  };
  s.get = [](const TrialConfig& c) { return c.activation.label(); };
  return s;
}

constexpr double kInf = std::numeric_limits<double>::infinity();

// Upper bounds of the integer keys: a slip such as train.threads: 100000000
// or data.samples: 1e12 is refused with a message instead of hanging or
// exhausting memory. Generous for real work; seeds stay within int32.
const std::map<std::string, double>& integer_maxima() {
  static const std::map<std::string, double> maxima = {{"seed", 2147483647},
                                                       {"data.seed", 2147483647},
                                                       {"data.train_subset", 1e8},
                                                       {"data.test_subset", 1e8},
                                                       {"data.validation", 1e8},
                                                       {"stats.log_every_steps", 1e9},
                                                       {"stats.evals_per_epoch", 1e4},
                                                       {"stats.step_val_examples", 1e8},
                                                       {"stats.initial_train_examples", 1e8},
                                                       {"data.probe_size", 1e6},
                                                       {"data.samples", 1e8},
                                                       {"data.test_samples", 1e8},
                                                       {"data.input_dim", 1e6},
                                                       {"data.classes", 1e5},
                                                       {"data.arms", 1e4},
                                                       {"data.teacher_width", 1e6},
                                                       {"data.teacher_depth", 1000},
                                                       {"model.hidden", 1e6},
                                                       {"model.depth", 1000},
                                                       {"model.width", 1e6},
                                                       {"model.channels", 1e5},
                                                       {"model.dense", 1e6},
                                                       {"train.epochs", 1e6},
                                                       {"train.batch_size", 1e7},
                                                       {"train.step_size", 1e6},
                                                       {"train.threads", 256}};
  return maxima;
}

std::vector<KeySpec> with_integer_maxima(std::vector<KeySpec> schema) {
  for (auto& spec : schema) {
    const auto it = integer_maxima().find(spec.key);
    if (it != integer_maxima().end()) spec.max = it->second;
  }
  return schema;
}

std::vector<KeySpec> build_schema() {
  return with_integer_maxima({
      activation_key(),
      int_key(
          "seed", [](auto& c) -> auto& { return c.seed; }, 0,
          "The trial's seed (initialisation, batch order, random slopes). Set by the "
          "sweep's `seeds:` axis, not in `base`."),
      choice_key<DatasetKind>(
          "data.dataset", [](auto& c) -> auto& { return c.data.dataset; },
          "fashion-mnist: Debian's dataset-fashion-mnist IDX files; spirals: `arms` "
          "interleaved 2-D spirals with Gaussian noise; teacher: Gaussian inputs "
          "labelled by a random ReLU teacher network; gaussian: unlabelled Gaussian "
          "inputs, for statistics at initialisation (epochs must be 0)."),
      string_key(
          "data.path", [](auto& c) -> auto& { return c.data.path; }, {},
          "Folder with fashion-mnist's train-images-idx3-ubyte.gz and the other three "
          "files."),
      int_key(
          "data.train_subset", [](auto& c) -> auto& { return c.data.train_subset; }, 0,
          "Use this many training examples (a fixed random subset given data.seed); 0: all."),
      int_key(
          "data.test_subset", [](auto& c) -> auto& { return c.data.test_subset; }, 0,
          "Use this many test examples; 0: all."),
      int_key(
          "data.validation", [](auto& c) -> auto& { return c.data.validation; }, 0,
          "Validation examples, for choosing learning rates and epochs (never the test set). "
          "fashion-mnist: held out from the 60000 training images before any train_subset "
          "(disjoint from it, fixed by data.seed); spirals and teacher: drawn like the test set, "
          "min(validation, test_samples) of them; 0: none."),
      int_key(
          "data.probe_size", [](auto& c) -> auto& { return c.data.probe_size; }, 1,
          "Size of the fixed probe set (training examples, or fresh Gaussian inputs) on "
          "which unit statistics are computed."),
      int_key(
          "data.samples", [](auto& c) -> auto& { return c.data.samples; }, 1,
          "Synthetic datasets: training examples."),
      int_key(
          "data.test_samples", [](auto& c) -> auto& { return c.data.test_samples; }, 1,
          "Synthetic datasets: test examples."),
      int_key(
          "data.input_dim", [](auto& c) -> auto& { return c.data.input_dim; }, 1,
          "teacher, gaussian: input dimension."),
      int_key(
          "data.classes", [](auto& c) -> auto& { return c.data.classes; }, 2,
          "teacher: number of classes."),
      int_key(
          "data.arms", [](auto& c) -> auto& { return c.data.arms; }, 2,
          "spirals: number of arms (= classes)."),
      double_key(
          "data.noise", [](auto& c) -> auto& { return c.data.noise; }, 0, false, kInf,
          "spirals: standard deviation of the Gaussian noise added to points."),
      int_key(
          "data.teacher_width", [](auto& c) -> auto& { return c.data.teacher_width; }, 1,
          "teacher: hidden width of the teacher network."),
      int_key(
          "data.teacher_depth", [](auto& c) -> auto& { return c.data.teacher_depth; }, 1,
          "teacher: hidden layers of the teacher network."),
      int_key(
          "data.seed", [](auto& c) -> auto& { return c.data.seed; }, 0,
          "Seed of the data itself (subsets, probe set, synthetic data), kept apart from "
          "the trial seed so that every trial of a sweep sees the same data."),
      choice_key<Arch>(
          "model.arch", [](auto& c) -> auto& { return c.model.arch; },
          "mlp: fully connected layers; cnn: conv blocks (3x3 conv, activation, 2x2 "
          "max-pool), model.dense's hidden layers, then a linear head (image data only)."),
      int_list_key(
          "model.hidden", [](auto& c) -> auto& { return c.model.hidden; },
          "mlp: hidden layer widths."),
      int_key(
          "model.depth", [](auto& c) -> auto& { return c.model.depth; }, 0,
          "mlp: number of hidden layers; with model.width, replaces model.hidden. 0: unused."),
      int_key(
          "model.width", [](auto& c) -> auto& { return c.model.width; }, 0,
          "mlp: width of each of the model.depth hidden layers."),
      int_list_key(
          "model.channels", [](auto& c) -> auto& { return c.model.channels; },
          "cnn: output channels of each conv block."),
      int_list_key(
          "model.dense", [](auto& c) -> auto& { return c.model.dense; },
          "cnn: widths of fully connected hidden layers (linear, activation) between the "
          "conv blocks and the linear head; none by default."),
      choice_key<Init>(
          "model.init", [](auto& c) -> auto& { return c.model.init; },
          "Weight initialisation. default: LibTorch's; kaiming_*: fan-in, gain matched to "
          "the activation (see docs/statistics.md); biases are zero except with default."),
      int_key(
          "train.epochs", [](auto& c) -> auto& { return c.train.epochs; }, 0,
          "Training epochs; 0 measures at initialisation only."),
      int_key(
          "train.batch_size", [](auto& c) -> auto& { return c.train.batch_size; }, 1,
          "Minibatch size."),
      choice_key<Optimizer>(
          "train.optimizer", [](auto& c) -> auto& { return c.train.optimizer; }, "Optimizer."),
      double_key(
          "train.lr", [](auto& c) -> auto& { return c.train.lr; }, 0, true, kInf,
          "Learning rate (initial, for schedules)."),
      double_key(
          "train.momentum", [](auto& c) -> auto& { return c.train.momentum; }, 0, false, 1,
          "sgd: momentum."),
      bool_key(
          "train.nesterov", [](auto& c) -> auto& { return c.train.nesterov; },
          "sgd: Nesterov momentum (needs momentum > 0)."),
      double_key(
          "train.weight_decay", [](auto& c) -> auto& { return c.train.weight_decay; }, 0, false,
          kInf, "L2 weight decay (decoupled for adamw)."),
      bool_key(
          "train.prelu_weight_decay", [](auto& c) -> auto& { return c.train.prelu_weight_decay; },
          "Apply weight decay to PReLU slopes too. Off by default: decay pulls the slopes "
          "towards 0, i.e. towards ReLU (He et al. 2015 use none)."),
      choice_key<Schedule>(
          "train.schedule", [](auto& c) -> auto& { return c.train.schedule; },
          "Learning-rate schedule, updated per epoch: cosine anneals to 0 over the "
          "epochs; step multiplies by gamma every step_size epochs."),
      int_key(
          "train.step_size", [](auto& c) -> auto& { return c.train.step_size; }, 1,
          "step: epochs between decays."),
      double_key(
          "train.gamma", [](auto& c) -> auto& { return c.train.gamma; }, 0, true, 1,
          "step: decay factor."),
      int_key(
          "train.threads", [](auto& c) -> auto& { return c.train.threads; }, 1,
          "Intra-op threads of the trial. 1 (default) with trials in parallel (--jobs) is "
          "the fastest use of a small machine."),
      choice_key<Device>(
          "train.device", [](auto& c) -> auto& { return c.train.device; }, "Where the trial runs."),
      double_key(
          "targets.accuracy", [](auto& c) -> auto& { return c.targets.accuracy; }, 0, false, 1,
          "Held-out accuracy that counts as converged (epochs_to_target): validation accuracy, "
          "or test accuracy when there is no validation split; 0: none."),
      bool_key(
          "stats.online_dead", [](auto& c) -> auto& { return c.stats.online_dead; },
          "Track dead_fraction_epoch and preact_grad_norm during training (one reduction and "
          "one norm per layer per step)."),
      int_key(
          "stats.log_every_steps", [](auto& c) -> auto& { return c.stats.log_every_steps; }, 0,
          "steps.csv: record the mean training loss of every K optimizer steps; 0: no step rows."),
      int_key(
          "stats.evals_per_epoch", [](auto& c) -> auto& { return c.stats.evals_per_epoch; }, 0,
          "steps.csv: evaluate validation accuracy this many times per epoch (at equal step "
          "intervals, the epoch's end included); 0: only at epoch ends (epochs.csv)."),
      int_key(
          "stats.step_val_examples", [](auto& c) -> auto& { return c.stats.step_val_examples; }, 0,
          "steps.csv: the evaluations within an epoch use the first N validation examples "
          "(0: all); the epoch's last row has the whole validation set's accuracy (epochs.csv)."),
      bool_key(
          "stats.test_every_epoch", [](auto& c) -> auto& { return c.stats.test_every_epoch; },
          "Evaluate the test set after every epoch. Off (default): with a validation split, "
          "only after training, on the final network and on the best validation epoch's "
          "(their rows in epochs.csv have test values; model selection never sees the test "
          "set). Without a validation split the test set is evaluated every epoch."),
      int_key(
          "stats.initial_train_examples",
          [](auto& c) -> auto& { return c.stats.initial_train_examples; }, 0,
          "Epoch 0's training loss and accuracy (the initial loss that 'exploded' is judged "
          "against) on the first N training examples; 0: all."),
  });
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string ActivationConfig::label() const {
  std::ostringstream out;
  out << name;
  std::vector<std::string> parts;
  for (const auto& [key, value] : params) {
    std::string text;
    if (const auto* d = std::get_if<double>(&value)) text = format_double(*d);
    if (const auto* b = std::get_if<bool>(&value)) text = *b ? "true" : "false";
    if (const auto* s = std::get_if<std::string>(&value)) text = *s;
    parts.push_back(key + "=" + text);
  }
  if (per_channel) parts.push_back("per_channel=true");
  if (!parts.empty()) out << "(" << join(parts) << ")";
  return out.str();
}

const std::vector<KeySpec>& config_schema() {
  static const std::vector<KeySpec> schema = build_schema();
  return schema;
}

const KeySpec* find_key(const std::string& key) {
  for (const auto& spec : config_schema()) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(3, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    // A key without its section ("lr" for "train.lr") counts as close.
    const auto dot = c.rfind('.');
    const size_t d = std::min(edit_distance(word, c), dot == std::string::npos
                                                          ? edit_distance(word, c)
                                                          : edit_distance(word, c.substr(dot + 1)));
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

std::string schema_markdown() {
  const TrialConfig defaults;
  std::ostringstream out;
  out << "| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n";
  for (const auto& spec : config_schema()) {
    std::string allowed;
    if (!spec.choices.empty()) {
      allowed = join(spec.choices, " \\| ");
    } else if (spec.type == ValueType::kInt || spec.type == ValueType::kDouble ||
               spec.type == ValueType::kIntList) {
      if (std::isfinite(spec.min))
        allowed = (spec.min_exclusive ? "> " : ">= ") + format_double(spec.min);
      if (std::isfinite(spec.max))
        allowed += (allowed.empty() ? "" : ", ") + std::string("<= ") + format_double(spec.max);
    }
    std::string type = type_name(spec.type);
    out << "| `" << spec.key << "` | " << type << " | `" << spec.get(defaults) << "` | " << allowed
        << " | " << spec.doc << " |\n";
  }
  return out.str();
}

std::string format_double(double value) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof(buf), value);
  return std::string(buf, r.ptr);
}

nn::ActivationParam to_activation_param(const YAML::Node& scalar) {
  bool b = false;
  double d = 0;
  if (parse_bool(scalar, &b)) return b;
  if (parse_double(scalar, &d)) return d;
  return scalar.Scalar();
}

namespace {
// A bound as a person writes it: 1000000, not 1e+06.
std::string bound_text(double v) {
  return std::isfinite(v) && v == std::floor(v) && std::abs(v) < 1e15
             ? std::to_string(static_cast<long long>(v))
             : format_double(v);
}
}  // namespace

void check_value(const KeySpec& spec, const YAML::Node& value, const Origin& origin) {
  auto fail = [&](const std::string& message) { throw ConfigError(origin, spec.key, message); };
  auto check_range = [&](double v, const std::string& text) {
    if (spec.min_exclusive ? !(v > spec.min) : !(v >= spec.min)) {
      fail("must be " + std::string(spec.min_exclusive ? "> " : ">= ") + bound_text(spec.min) +
           ", got " + text);
    }
    if (!(v <= spec.max)) fail("must be <= " + bound_text(spec.max) + ", got " + text);
  };
  const std::string text =
      value.IsScalar() ? value.Scalar() : "a " + std::string(value.IsMap() ? "map" : "list");
  switch (spec.type) {
    case ValueType::kInt: {
      int64_t v = 0;
      if (!parse_int(value, &v)) fail("must be " + type_name(spec.type) + ", got " + text);
      check_range(static_cast<double>(v), text);
      break;
    }
    case ValueType::kDouble: {
      double v = 0;
      if (!parse_double(value, &v) || !std::isfinite(v)) {
        fail("must be a finite number, got " + text);
      }
      check_range(v, text);
      break;
    }
    case ValueType::kBool: {
      bool v = false;
      if (!parse_bool(value, &v)) fail("must be true or false, got " + text);
      break;
    }
    case ValueType::kString: {
      if (!value.IsScalar()) fail("must be a string, got " + text);
      if (!spec.choices.empty() && std::find(spec.choices.begin(), spec.choices.end(),
                                             value.Scalar()) == spec.choices.end()) {
        fail("unknown value '" + value.Scalar() + "'" + did_you_mean(value.Scalar(), spec.choices) +
             "; valid values: " + join(spec.choices));
      }
      break;
    }
    case ValueType::kIntList: {
      if (!value.IsSequence() || value.size() == 0) fail("must be a non-empty list of integers");
      for (const auto& item : value) {
        int64_t v = 0;
        if (!parse_int(item, &v) || v < spec.min || static_cast<double>(v) > spec.max) {
          fail("must be a list of integers from " + bound_text(spec.min) + " to " +
               bound_text(spec.max) + ", got item " + (item.IsScalar() ? item.Scalar() : "?"));
        }
      }
      break;
    }
    case ValueType::kActivation: {
      std::string name;
      nn::ActivationParams params;
      bool per_channel = false;
      if (value.IsScalar()) {
        name = value.Scalar();
      } else if (value.IsMap()) {
        if (!value["name"]) fail("an activation map needs a 'name'");
        for (const auto& kv : value) {
          const auto key = kv.first.Scalar();
          if (key == "name") {
            name = kv.second.Scalar();
          } else if (key == "per_channel") {
            if (!parse_bool(kv.second, &per_channel)) fail("per_channel must be true or false");
          } else if (!kv.second.IsScalar()) {
            fail("activation parameter '" + key + "' must be a scalar");
          } else {
            params[key] = to_activation_param(kv.second);
            // NaN or inf slopes train nothing, and num_parameters: 1e300
            // would be undefined behaviour in the conversion to int64.
            if (const double* v = std::get_if<double>(&params[key])) {
              if (!std::isfinite(*v))
                fail("activation parameter '" + key + "' must be finite, got " +
                     kv.second.Scalar());
              if (key == "num_parameters" && !(*v >= 1 && *v <= 1e6 && *v == std::floor(*v))) {
                fail("num_parameters must be an integer from 1 to 1000000, got " +
                     kv.second.Scalar());
              }
            }
          }
        }
      } else {
        fail("must be " + type_name(spec.type));
      }
      const auto names = nn::activation_names();
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        fail("unknown activation '" + name + "'" + did_you_mean(name, names) +
             "; valid activations: " + join(names));
      }
      if (per_channel && name != "prelu") fail("per_channel applies to prelu only");
      if (per_channel && params.count("num_parameters")) {
        fail("give either per_channel: true or num_parameters, not both");
      }
      try {
        nn::make_activation(name, params);
      } catch (const c10::Error& e) {
        fail(e.what_without_backtrace());
      }
      break;
    }
  }
}

}  // namespace lab
}  // namespace relulab
