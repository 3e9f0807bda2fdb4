// make_activation: the table from activation names to modules.

#include "relulab/nn/factory.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

#include "relulab/nn/modules.h"

namespace relulab {
namespace nn {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::ostringstream out;
  for (size_t i = 0; i < items.size(); ++i) out << (i ? ", " : "") << items[i];
  return out.str();
}

// Typed access to one activation's parameters; every key must be one the
// activation declares, so a typo fails loudly instead of being ignored.
class ParamReader {
 public:
  ParamReader(const std::string& activation, const ActivationParams& params,
              std::vector<std::string> accepted)
      : activation_(activation), params_(params) {
    for (const auto& [key, value] : params) {
      TORCH_CHECK(std::find(accepted.begin(), accepted.end(), key) != accepted.end(),
                  "relulab::nn::make_activation: unknown parameter '", key,
                  "' for activation '", activation, "'; valid parameters: ",
                  accepted.empty() ? std::string("(none)") : join(accepted));
    }
  }

  double number(const std::string& key, double fallback) const {
    const auto* v = find(key);
    if (!v) return fallback;
    const auto* d = std::get_if<double>(v);
    TORCH_CHECK(d, type_error(key, "a number"));
    return *d;
  }
  int64_t integer(const std::string& key, int64_t fallback) const {
    const double d = number(key, static_cast<double>(fallback));
    TORCH_CHECK(std::floor(d) == d, type_error(key, "an integer"));
    return static_cast<int64_t>(d);
  }
  bool flag(const std::string& key, bool fallback) const {
    const auto* v = find(key);
    if (!v) return fallback;
    const auto* b = std::get_if<bool>(v);
    TORCH_CHECK(b, type_error(key, "true or false"));
    return *b;
  }
  std::string text(const std::string& key, const std::string& fallback) const {
    const auto* v = find(key);
    if (!v) return fallback;
    const auto* s = std::get_if<std::string>(v);
    TORCH_CHECK(s, type_error(key, "a string"));
    return *s;
  }

 private:
  const ActivationParam* find(const std::string& key) const {
    const auto it = params_.find(key);
    return it == params_.end() ? nullptr : &it->second;
  }
  std::string type_error(const std::string& key, const char* expected) const {
    return "relulab::nn::make_activation: parameter '" + key + "' of '" +
           activation_ + "' must be " + expected;
  }

  const std::string& activation_;
  const ActivationParams& params_;
};

struct Entry {
  std::vector<std::string> params;
  std::function<torch::nn::AnyModule(const ParamReader&)> build;
};

const std::map<std::string, Entry>& registry() {
  static const std::map<std::string, Entry> table = {
      {"relu",
       {{"inplace"},
        [](const ParamReader& p) {
          return torch::nn::AnyModule(ReLU(ReLUOptions(p.flag("inplace", false))));
        }}},
      {"leaky_relu",
       {{"negative_slope", "inplace"},
        [](const ParamReader& p) {
          const LeakyReLUOptions defaults;
          return torch::nn::AnyModule(LeakyReLU(
              LeakyReLUOptions()
                  .negative_slope(p.number("negative_slope", defaults.negative_slope()))
                  .inplace(p.flag("inplace", false))));
        }}},
      {"prelu",
       {{"num_parameters", "init"},
        [](const ParamReader& p) {
          const PReLUOptions defaults;
          return torch::nn::AnyModule(PReLU(
              PReLUOptions()
                  .num_parameters(p.integer("num_parameters", defaults.num_parameters()))
                  .init(p.number("init", defaults.init()))));
        }}},
      {"gelu",
       {{"approximate"},
        [](const ParamReader& p) {
          return torch::nn::AnyModule(
              GELU(GELUOptions().approximate(p.text("approximate", "none"))));
        }}},
      {"sigmoid",
       {{}, [](const ParamReader&) { return torch::nn::AnyModule(Sigmoid()); }}},
      {"tanh", {{}, [](const ParamReader&) { return torch::nn::AnyModule(Tanh()); }}},
      {"elu",
       {{"alpha", "inplace"},
        [](const ParamReader& p) {
          return torch::nn::AnyModule(ELU(ELUOptions()
                                              .alpha(p.number("alpha", 1.0))
                                              .inplace(p.flag("inplace", false))));
        }}},
      {"selu",
       {{"inplace"},
        [](const ParamReader& p) {
          return torch::nn::AnyModule(SELU(SELUOptions(p.flag("inplace", false))));
        }}},
      {"silu", {{}, [](const ParamReader&) { return torch::nn::AnyModule(SiLU()); }}},
      {"rrelu",
       {{"lower", "upper", "inplace"},
        [](const ParamReader& p) {
          const RReLUOptions defaults;
          return torch::nn::AnyModule(
              RReLU(RReLUOptions()
                        .lower(p.number("lower", defaults.lower()))
                        .upper(p.number("upper", defaults.upper()))
                        .inplace(p.flag("inplace", false))));
        }}},
  };
  return table;
}

const Entry& lookup(const std::string& name) {
  const auto& table = registry();
  const auto it = table.find(name);
  TORCH_CHECK(it != table.end(), "relulab::nn::make_activation: unknown activation '",
              name, "'; valid activations: ", join(activation_names()));
  return it->second;
}

}  // namespace

std::vector<std::string> activation_names() {
  std::vector<std::string> names;
  for (const auto& [name, entry] : registry()) names.push_back(name);
  return names;  // std::map keeps them sorted
}

std::vector<std::string> activation_param_names(const std::string& name) {
  return lookup(name).params;
}

torch::nn::AnyModule make_activation(const std::string& name,
                                     const ActivationParams& params) {
  const Entry& entry = lookup(name);
  return entry.build(ParamReader(name, params, entry.params));
}

}  // namespace nn
}  // namespace relulab
