// torch::optim::SGD with momentum in one pass over memory.
#pragma once

#include <torch/optim/sgd.h>

#include <vector>

namespace relulab {
namespace lab {

/// torch::optim::SGD whose step() updates each contiguous float32/float64
/// CPU parameter, its momentum buffer and nothing else in one loop, where
/// LibTorch's makes three passes (buf.mul_, buf.add_, p.add_; four and a new
/// tensor with weight decay), each through the dispatcher. Same arithmetic in
/// the same order, so the same bits: d = fma(p, weight_decay, grad) (with
/// weight decay), buf = buf * momentum + d (two roundings),
/// p = fma(buf, -lr, p) (one: LibTorch's add with alpha is a fused
/// multiply-add, vectorised and scalar alike). The state is SGD's own
/// (SGDParamState momentum_buffer). Groups with dampening or Nesterov
/// momentum, and other tensors, take SGD::step unchanged.
/// tests/lab/fused_sgd_test.cpp checks the bits against torch::optim::SGD.
class FusedSGD : public torch::optim::SGD {
 public:
  using torch::optim::SGD::SGD;
  torch::Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace lab
}  // namespace relulab
