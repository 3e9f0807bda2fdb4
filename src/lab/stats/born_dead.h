// Born-dead ReLU networks (Lu, Shin, Su & Karniadakis 2019, "Dying ReLU and
// initialization: theory and numerical examples"): how often is a freshly
// initialised deep, narrow ReLU network a constant function of its input?
//
// Thousands of small networks are simulated at once, as batched matrix
// products, without building modules: a cell of the (width, depth) grid with
// 1000 networks is one pass of `depth` bmm's over (networks, probe, width)
// tensors. See docs/statistics.md, "Born dead".
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace relulab {
namespace lab {

/// How the networks of a born-dead experiment are drawn and probed.
struct BornDeadSetup {
  /// Input dimension. Lu et al.'s born-dead figure uses 1. Default: 1
  int64_t input_dim = 1;
  /// Standard Gaussian inputs on which constancy is judged. Default: 1000
  int64_t probe_size = 1000;
  /// Hidden-layer biases ~ N(0, bias_std^2); 0 gives zero biases (He et
  /// al.'s and Lu et al.'s born-dead setting). Default: 0
  double bias_std = 0.0;
  /// Networks drawn per (width, depth) cell. Default: 1000
  int64_t networks = 1000;
  /// Networks simulated together (memory: chunk x probe_size x width floats). Default: 250
  int64_t chunk = 250;
  /// Seed of the whole experiment; each cell draws from its own stream. Default: 0
  uint64_t seed = 0;
};

/// One cell of the grid: `born_dead` of `networks` networks with `depth`
/// hidden ReLU layers of `width` units each were constant over the probe.
struct BornDeadCell {
  int64_t width = 0;
  int64_t depth = 0;
  int64_t networks = 0;
  int64_t born_dead = 0;
};

/// For a batch of networks' hidden-layer outputs (networks, probe, width)
/// after ReLU: true where the whole layer is zero for every probe input,
/// i.e. the network is born dead at that layer (every later layer, and the
/// output, is then the same for every input).
at::Tensor layer_dead(const at::Tensor& hidden);

/// Simulates `setup.networks` networks of each (width, depth): weights
/// He-normal, N(0, 2 / fan_in), biases per bias_std, ReLU after every
/// hidden layer; a network is born dead when some hidden layer is zero on
/// every probe input. Each cell's networks are drawn independently of every
/// other cell's, from a stream fixed by (seed, width, depth).
BornDeadCell simulate_born_dead(int64_t width, int64_t depth, const BornDeadSetup& setup);

}  // namespace lab
}  // namespace relulab
