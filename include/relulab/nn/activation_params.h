// An activation's name and parameters as plain values, the way a sweep file
// or a command line gives them: what relulab::nn::make_activation
// (relulab/nn/factory.h) builds a module from. No LibTorch here, so that code
// which only reads, checks or prints these (the experiment harness's config
// and output) compiles without LibTorch's headers.
#pragma once

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

}  // namespace nn
}  // namespace relulab
