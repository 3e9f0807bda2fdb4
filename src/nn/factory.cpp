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
                  "relulab::nn::make_activation: unknown parameter '", key, "' for activation '",
                  activation, "'; valid parameters: ",
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
    return "relulab::nn::make_activation: parameter '" + key + "' of '" + activation_ +
           "' must be " + expected;
  }

  const std::string& activation_;
  const ActivationParams& params_;
};

// LibTorch's calculate_gain for an activation's parameters; see ActivationGain.
double gain_of(activations::ActivationGain gain, double leaky_slope) {
  switch (gain) {
    case activations::ActivationGain::Tanh:
      return 5.0 / 3.0;
    case activations::ActivationGain::One:
      return 1.0;
    case activations::ActivationGain::Selu:
      return 3.0 / 4.0;
    case activations::ActivationGain::LeakyRelu:
      return std::sqrt(2.0 / (1.0 + leaky_slope * leaky_slope));
    case activations::ActivationGain::Relu:
      break;
  }
  return std::sqrt(2.0);
}

struct Entry {
  std::vector<std::string> params;
  std::function<torch::nn::AnyModule(const ParamReader&)> build;
  std::function<double(const ParamReader&)> gain;
};

// The make_activation entry of one registry activation: its scalars and
// `inplace` as parameters, over the defaults of its Options.
template <class Activation, class Options, class Module>
Entry registry_entry(Options (*read_options)(const ParamReader&)) {
  Entry entry;
  for (const auto& p : Activation::params) entry.params.push_back(p.name);
  if (Activation::inplace != activations::Inplace::NoInplace) entry.params.push_back("inplace");
  entry.build = [read_options](const ParamReader& p) {
    return torch::nn::AnyModule(Module(read_options(p)));
  };
  entry.gain = [](const ParamReader& p) {
    const double first_param =
        Activation::num_params > 0
            ? p.number(Activation::params[0].name, Activation::params[0].default_value)
            : 0.0;
    return gain_of(Activation::gain, first_param);
  };
  return entry;
}

#define RELULAB_READ_OPTION(name, value, kind, meaning) \
  options.name(p.number(#name, options.name()));
#define RELULAB_READ_INPLACE_WithInplace options.inplace(p.flag("inplace", options.inplace()));
#define RELULAB_READ_INPLACE_InplaceOnly RELULAB_READ_INPLACE_WithInplace
#define RELULAB_READ_INPLACE_NoInplace
#define RELULAB_FACTORY_ENTRY(Module, op, Kernel, Saves, Inplace, Agreement, Kink, Gain, PARAMS) \
  {#op, registry_entry<activations::Module, Module##Options, Module>([](const ParamReader& p) {  \
     Module##Options options;                                                                    \
     PARAMS(RELULAB_READ_OPTION) RELULAB_READ_INPLACE_##Inplace return options;                  \
   })},

const std::map<std::string, Entry>& registry() {
  static const std::map<std::string, Entry> table = {
      RELULAB_ACTIVATIONS(RELULAB_FACTORY_ENTRY){
          "prelu",
          {{"num_parameters", "init"},
           [](const ParamReader& p) {
             const PReLUOptions defaults;
             return torch::nn::AnyModule(
                 PReLU(PReLUOptions()
                           .num_parameters(p.integer("num_parameters", defaults.num_parameters()))
                           .init(p.number("init", defaults.init()))));
           },
           // The slopes start at `init`: the leaky-ReLU gain of that slope.
           [](const ParamReader& p) {
             return gain_of(activations::ActivationGain::LeakyRelu,
                            p.number("init", PReLUOptions().init()));
           }}},
      {"gelu",
       {{"approximate"},
        [](const ParamReader& p) {
          return torch::nn::AnyModule(
              GELU(GELUOptions().approximate(p.text("approximate", "none"))));
        },
        [](const ParamReader&) { return gain_of(activations::ActivationGain::Relu, 0.0); }}},
      {"rrelu",
       {{"lower", "upper", "inplace"},
        [](const ParamReader& p) {
          const RReLUOptions defaults;
          return torch::nn::AnyModule(RReLU(RReLUOptions()
                                                .lower(p.number("lower", defaults.lower()))
                                                .upper(p.number("upper", defaults.upper()))
                                                .inplace(p.flag("inplace", false))));
        },
        // The mean slope, which eval mode applies.
        [](const ParamReader& p) {
          const RReLUOptions defaults;
          const double mean =
              (p.number("lower", defaults.lower()) + p.number("upper", defaults.upper())) / 2;
          return gain_of(activations::ActivationGain::LeakyRelu, mean);
        }}},
  };
  return table;
}
#undef RELULAB_FACTORY_ENTRY
#undef RELULAB_READ_INPLACE_NoInplace
#undef RELULAB_READ_INPLACE_InplaceOnly
#undef RELULAB_READ_INPLACE_WithInplace
#undef RELULAB_READ_OPTION

const Entry& lookup(const std::string& name) {
  const auto& table = registry();
  const auto it = table.find(name);
  TORCH_CHECK(it != table.end(), "relulab::nn::make_activation: unknown activation '", name,
              "'; valid activations: ", join(activation_names()));
  return it->second;
}

}  // namespace

std::vector<std::string> activation_names() {
  std::vector<std::string> names;
  for (const auto& [name, entry] : registry()) names.push_back(name);
  return names;  // std::map keeps them sorted
}

double activation_init_gain(const std::string& name, const ActivationParams& params) {
  const Entry& entry = lookup(name);
  return entry.gain(ParamReader(name, params, entry.params));
}

torch::nn::AnyModule make_activation(const std::string& name, const ActivationParams& params) {
  const Entry& entry = lookup(name);
  return entry.build(ParamReader(name, params, entry.params));
}

}  // namespace nn
}  // namespace relulab
