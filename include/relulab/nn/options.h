// Options for relulab's activation modules and functions. Each mirrors its
// LibTorch namesake field for field and default for default, so that
// torch::nn::LeakyReLUOptions -> relulab::nn::LeakyReLUOptions is a one-word
// change.
#pragma once

#include <torch/arg.h>

#include <cstdint>
#include <string>

namespace relulab {
namespace nn {

// Note [inplace]
// `inplace = true` writes the result into the input, as LibTorch does, when
// autograd is not recording the input. When it is, relulab returns a new
// tensor and leaves the input untouched: the backward operators read the
// saved input (see Note [What backward reads]), which an in-place write would
// invalidate. Code of the form `x = act(x)` behaves the same either way.

/// Options for ReLU.
struct ReLUOptions {
  /* implicit */ ReLUOptions(bool inplace = false) : inplace_(inplace) {}
  /// Write the result into the input. See Note [inplace]. Default: false
  TORCH_ARG(bool, inplace);
};

/// Options for LeakyReLU: x > 0 ? x : negative_slope * x.
struct LeakyReLUOptions {
  /// Slope for x < 0. Default: 1e-2
  TORCH_ARG(double, negative_slope) = 1e-2;
  /// Write the result into the input. See Note [inplace]. Default: false
  TORCH_ARG(bool, inplace) = false;
};

/// Options for PReLU (He et al. 2015): LeakyReLU with learned slopes.
struct PReLUOptions {
  /// Number of slopes to learn: 1 (shared) or the number of input channels
  /// (dim 1 of the input). Default: 1
  TORCH_ARG(int64_t, num_parameters) = 1;
  /// Initial value of every slope. Default: 0.25
  TORCH_ARG(double, init) = 0.25;
};

/// Options for GELU (Hendrycks & Gimpel 2016).
struct GELUOptions {
  /// "none" for x * Phi(x) with erf, "tanh" for the tanh approximation.
  /// Default: "none"
  TORCH_ARG(std::string, approximate) = "none";
};

/// Options for ELU (Clevert et al. 2015).
struct ELUOptions {
  /// The value ELU approaches as x -> -inf is -alpha. Default: 1.0
  TORCH_ARG(double, alpha) = 1.0;
  /// Write the result into the input. See Note [inplace]. Default: false
  TORCH_ARG(bool, inplace) = false;
};

/// Options for SELU (Klambauer et al. 2017).
struct SELUOptions {
  /* implicit */ SELUOptions(bool inplace = false) : inplace_(inplace) {}
  /// Write the result into the input. See Note [inplace]. Default: false
  TORCH_ARG(bool, inplace);
};

/// Options for RReLU (Xu et al. 2015): slopes drawn from U(lower, upper) in
/// training, (lower + upper) / 2 in eval.
struct RReLUOptions {
  /// Lower bound of the slope distribution. Default: 1/8
  TORCH_ARG(double, lower) = 1.0 / 8.0;
  /// Upper bound of the slope distribution. Default: 1/3
  TORCH_ARG(double, upper) = 1.0 / 3.0;
  /// Write the result into the input. See Note [inplace]. Default: false
  TORCH_ARG(bool, inplace) = false;
};

namespace functional {

using ReLUFuncOptions = ReLUOptions;
using LeakyReLUFuncOptions = LeakyReLUOptions;
using GELUFuncOptions = GELUOptions;
using ELUFuncOptions = ELUOptions;
using SELUFuncOptions = SELUOptions;

/// Options for functional::rrelu, which (unlike the module) is told whether
/// it is training.
struct RReLUFuncOptions {
  /// Lower bound of the slope distribution. Default: 1/8
  TORCH_ARG(double, lower) = 1.0 / 8.0;
  /// Upper bound of the slope distribution. Default: 1/3
  TORCH_ARG(double, upper) = 1.0 / 3.0;
  /// Draw random slopes (true) or use their mean (false). Default: false
  TORCH_ARG(bool, training) = false;
  /// Write the result into the input. See Note [inplace]. Default: false
  TORCH_ARG(bool, inplace) = false;
};

}  // namespace functional
}  // namespace nn
}  // namespace relulab
