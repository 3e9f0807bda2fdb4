// Born-dead ReLU networks, simulated in batches (born_dead.h).

#include "lab/stats/born_dead.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "relulab/ops.h"

namespace relulab {
namespace lab {
namespace {

// Distinct for every (seed, width, depth) with width, depth < 2^16, so a
// cell's networks do not depend on which other cells are simulated, nor on
// their order.
uint64_t cell_stream(uint64_t seed, int64_t width, int64_t depth) {
  return (seed << 32) ^ (static_cast<uint64_t>(width) << 16) ^ static_cast<uint64_t>(depth);
}

}  // namespace

at::Tensor layer_dead(const at::Tensor& hidden) {
  TORCH_CHECK(hidden.dim() == 3, "layer_dead: expected (networks, probe, width), got ",
              hidden.sizes());
  // ReLU outputs are >= 0, so "zero everywhere" is "largest value is 0".
  return hidden.flatten(1).amax(1).le(0);
}

BornDeadCell simulate_born_dead(int64_t width, int64_t depth, const BornDeadSetup& setup) {
  TORCH_CHECK(width >= 1 && width < (1 << 16), "born dead: width must be in [1, 65535], got ",
              width);
  TORCH_CHECK(depth >= 1 && depth < (1 << 16), "born dead: depth must be in [1, 65535], got ",
              depth);
  TORCH_CHECK(setup.input_dim >= 1 && setup.probe_size >= 1 && setup.networks >= 1 &&
                  setup.chunk >= 1 && setup.bias_std >= 0,
              "born dead: input_dim, probe_size, networks and chunk must be >= 1 and bias_std "
              ">= 0");
  torch::NoGradGuard no_grad;
  auto gen = at::detail::createCPUGenerator(cell_stream(setup.seed, width, depth));
  // One probe per cell, shared by its networks: (probe, input_dim).
  const auto probe = at::normal(0.0, 1.0, {setup.probe_size, setup.input_dim}, gen);
  BornDeadCell cell{width, depth, setup.networks, 0};
  for (int64_t start = 0; start < setup.networks; start += setup.chunk) {
    const int64_t n = std::min(setup.chunk, setup.networks - start);
    auto dead = torch::zeros({n}, torch::kBool);
    at::Tensor h = probe;  // (probe, fan_in), then (n, probe, width)
    int64_t fan_in = setup.input_dim;
    for (int64_t layer = 0; layer < depth; ++layer) {
      // He-normal weights, stored (n, fan_in, width) so that h @ w is the layer.
      const auto w =
          at::normal(0.0, std::sqrt(2.0 / static_cast<double>(fan_in)), {n, fan_in, width}, gen);
      auto pre = at::matmul(h, w);  // broadcasts the shared probe over networks
      if (setup.bias_std > 0) pre.add_(at::normal(0.0, setup.bias_std, {n, 1, width}, gen));
      h = ops::relu(pre);
      dead.logical_or_(layer_dead(h));
      fan_in = width;
      if (dead.all().item<bool>()) break;  // later layers cannot revive a dead network
    }
    cell.born_dead += dead.sum().item<int64_t>();
  }
  return cell;
}

}  // namespace lab
}  // namespace relulab
