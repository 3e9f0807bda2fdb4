// Build an activation module from its name and parameters, as the experiment
// harness does from a sweep file: make_activation("leaky_relu",
// {{"negative_slope", 0.2}}).
#pragma once

#include <torch/nn/modules/container/any.h>

#include <string>

#include "relulab/nn/activation_params.h"

namespace relulab {
namespace nn {

/// A relulab module for `name` with `params` applied over the defaults of
/// its Options. An unknown name or parameter, or a value of the wrong type,
/// throws c10::Error listing the valid choices.
torch::nn::AnyModule make_activation(const std::string& name, const ActivationParams& params = {});

}  // namespace nn
}  // namespace relulab
