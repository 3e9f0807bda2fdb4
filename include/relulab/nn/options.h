// Options for relulab's activation modules and functions. Each mirrors its
// LibTorch namesake field for field and default for default, so that
// torch::nn::LeakyReLUOptions -> relulab::nn::LeakyReLUOptions is a one-word
// change.
#pragma once

#include <torch/arg.h>

#include <cstdint>
#include <string>

#include "relulab/activations.h"

namespace relulab {
namespace nn {

// Note [inplace]
// `inplace = true` writes the result into the input, as LibTorch does, when
// autograd is not recording the input. When it is, relulab returns a new
// tensor and leaves the input untouched: the backward operators read the
// saved input (see Note [What backward reads]), which an in-place write would
// invalidate. Code of the form `x = act(x)` behaves the same either way.

// The Options of every activation in the registry (relulab/activations.h):
// one TORCH_ARG(double, <param>) per scalar, with the registry's default
// (documented there), and `inplace` where LibTorch's namesake has it. E.g.
//   struct SoftplusOptions {
//     TORCH_ARG(double, beta) = 1.0;
//     TORCH_ARG(double, threshold) = 20.0;
//   };
#define RELULAB_OPTION_FIELD(name, value, kind, meaning) TORCH_ARG(double, name) = value;
#define RELULAB_OPTIONS_INPLACE_WithInplace(Module) TORCH_ARG(bool, inplace) = false;
#define RELULAB_OPTIONS_INPLACE_InplaceOnly(Module)                           \
  /* implicit */ Module##Options(bool inplace = false) : inplace_(inplace) {} \
  TORCH_ARG(bool, inplace);
#define RELULAB_OPTIONS_INPLACE_NoInplace(Module)
#define RELULAB_DEFINE_OPTIONS(Module, op, Kernel, Saves, Inplace, Agreement, Kink, Gain, PARAMS) \
  struct Module##Options {                                                                        \
    PARAMS(RELULAB_OPTION_FIELD) RELULAB_OPTIONS_INPLACE_##Inplace(Module)                        \
  };
RELULAB_ACTIVATIONS(RELULAB_DEFINE_OPTIONS)
#undef RELULAB_DEFINE_OPTIONS

namespace detail {
template <class Options>
auto inplace_of(const Options& options, int) -> decltype(bool(options.inplace())) {
  return options.inplace();
}
template <class Options>
bool inplace_of(const Options&, long) {
  return false;
}
}  // namespace detail

/// options.inplace() for Options that have it, false for the others.
template <class Options>
bool inplace_of(const Options& options) {
  return detail::inplace_of(options, 0);
}

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

#define RELULAB_FUNC_OPTIONS(Module, ...) using Module##FuncOptions = Module##Options;
RELULAB_ACTIVATIONS(RELULAB_FUNC_OPTIONS)
#undef RELULAB_FUNC_OPTIONS
using GELUFuncOptions = GELUOptions;

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
