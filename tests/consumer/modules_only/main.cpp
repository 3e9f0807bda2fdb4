// Uses nothing of relulab but its torch::nn-style modules: one forward and
// backward through each, checked against LibTorch's own modules.

#include <relulab/nn/modules.h>
#include <torch/torch.h>

#include <iostream>

int main() {
  torch::manual_seed(0);
  const auto x = torch::randn({8, 3, 5});
  relulab::nn::PReLU ours(relulab::nn::PReLUOptions().num_parameters(3));
  torch::nn::PReLU theirs(torch::nn::PReLUOptions().num_parameters(3));
  const bool prelu_ok = torch::equal(ours(x), theirs(x));
  relulab::nn::ReLU relu;
  const auto xr = x.clone().requires_grad_(true);
  relu(xr).sum().backward();
  const bool relu_ok = torch::equal(xr.grad(), (x > 0).to(x.dtype()));
  std::cout << ours << " " << (prelu_ok ? "matches" : "DIFFERS FROM") << " " << theirs << "\n"
            << relu << " gradient " << (relu_ok ? "ok" : "WRONG") << "\n";
  return prelu_ok && relu_ok ? 0 : 1;
}
