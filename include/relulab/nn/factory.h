// Build an activation module from its name and parameters, as the experiment
// harness does from a sweep file: make_activation("leaky_relu",
// {{"negative_slope", 0.2}}).
#pragma once

#include <torch/nn/modules/container/any.h>

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace relulab {
namespace nn {

/// One parameter value: numbers are double (integers accepted where an
/// integer is expected), flags bool, choices string.
using ActivationParam = std::variant<double, bool, std::string>;
using ActivationParams = std::map<std::string, ActivationParam>;

/// The activation names make_activation accepts, sorted.
std::vector<std::string> activation_names();

/// The parameter names `name` accepts (throws for an unknown name).
std::vector<std::string> activation_param_names(const std::string& name);

/// A relulab module for `name` with `params` applied over the defaults of
/// its Options. An unknown name or parameter, or a value of the wrong type,
/// throws c10::Error listing the valid choices.
torch::nn::AnyModule make_activation(const std::string& name,
                                     const ActivationParams& params = {});

}  // namespace nn
}  // namespace relulab
