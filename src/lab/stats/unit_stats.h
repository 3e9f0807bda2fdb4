// Per-layer unit statistics: which hidden units are dead, saturated or
// mostly negative. Definitions (docs/statistics.md is the reference):
//
// A *unit* is one output feature of a Linear layer, or one output channel of
// a Conv2d layer (all spatial positions together). `pre` is a layer's
// pre-activation over the probe set: (N, units) or (N, C, H, W).
#pragma once

#include <torch/torch.h>

namespace relulab {
namespace lab {

/// Share of units whose pre-activation is <= 0 for every probe example (and
/// every position): silent under ReLU whatever the input. For other
/// activations it is the share that *would be* silent under ReLU.
double dead_fraction(const at::Tensor& pre);

/// Per unit: true where some element is > 0, as (units) bools.
at::Tensor ever_positive(const at::Tensor& pre);

/// Share of all pre-activation values that are < 0 (sparsity under ReLU).
double negative_fraction(const at::Tensor& pre);

/// Share of units whose activation derivative, at every probe example (and
/// position), is below `threshold` (default 1%) of the largest derivative
/// that unit's activation attains anywhere. Dead ReLUs (derivative 0) count,
/// as do saturated sigmoid/tanh units.
double saturated_fraction(const at::Tensor& pre, torch::nn::AnyModule& activation,
                          double threshold = 0.01);

/// The largest |derivative| of `activation` per unit, over x in [-20, 20]
/// (4001 points, and +-1e-6), as (units).
at::Tensor max_derivative(torch::nn::AnyModule& activation, int64_t units, bool conv);

/// True if the network output does not depend on the input over the probe
/// set: every output's range is below 1e-6 * (1 + its largest magnitude)
/// (Lu et al. 2019's "born dead" network).
bool network_dead(const at::Tensor& outputs);

/// dead_fraction_epoch, tracked during training: units never positive on
/// any training example seen since the last reset().
class OnlineDeadTracker {
 public:
  /// Folds one minibatch's pre-activation of `layer` in. Cheap: one
  /// reduction to (units) bools; no copy of the batch is kept.
  void observe(size_t layer, const at::Tensor& pre);
  /// Share of `layer`'s units never positive since reset(); NaN if nothing seen.
  double dead_fraction(size_t layer) const;
  void reset();

 private:
  std::vector<at::Tensor> ever_positive_;
};

}  // namespace lab
}  // namespace relulab
