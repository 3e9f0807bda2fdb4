// A small LibTorch model built from relulab's modules, trained for a few
// steps on a synthetic regression task. Exits non-zero if training fails to
// reduce the loss, so the package test can tell a working install.

#include <relulab/relulab.h>
#include <torch/torch.h>

#include <iostream>

int main() {
  torch::manual_seed(0);
  // One-word swaps from torch::nn: PReLU and GELU come from relulab.
  torch::nn::Sequential model(
      torch::nn::Linear(4, 32), relulab::nn::PReLU(relulab::nn::PReLUOptions().num_parameters(32)),
      torch::nn::Linear(32, 32), relulab::nn::GELU(), torch::nn::Linear(32, 1));
  // The factory, as a sweep file would name an activation.
  model->push_back(relulab::nn::make_activation("leaky_relu", {{"negative_slope", 0.1}}));

  const auto x = torch::randn({256, 4});
  const auto y = (x.sum(1, /*keepdim=*/true)).abs();
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-2));

  double first = 0.0, last = 0.0;
  for (int step = 0; step < 100; ++step) {
    optimizer.zero_grad();
    const auto loss = torch::mse_loss(model->forward(x), y);
    loss.backward();
    optimizer.step();
    if (step == 0) first = loss.item<double>();
    last = loss.item<double>();
  }
  std::cout << *model << "\n"
            << "relulab " << relulab::kVersion
            << " (CPU kernels: " << relulab::ops::cpu_simd_target() << ")\n"
            << "loss: " << first << " -> " << last << "\n";
  return last < 0.5 * first ? 0 : 1;
}
