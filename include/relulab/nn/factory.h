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

/// The gain a weight initialiser should use before activation `name` with
/// `params`: LibTorch's calculate_gain where it has one (tanh 5/3, sigmoid 1,
/// selu 3/4, leaky slopes a: sqrt(2 / (1 + a^2)), prelu with its `init`, rrelu
/// with its mean slope), and ReLU's sqrt(2) for the smooth ReLU-likes (gelu,
/// elu, silu, ...), whose positive side is about the identity.
double activation_init_gain(const std::string& name, const ActivationParams& params = {});

/// A relulab module for `name` with `params` applied over the defaults of
/// its Options. An unknown name or parameter, or a value of the wrong type,
/// throws c10::Error listing the valid choices.
torch::nn::AnyModule make_activation(const std::string& name, const ActivationParams& params = {});

}  // namespace nn
}  // namespace relulab
