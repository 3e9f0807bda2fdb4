// FusedSGD against torch::optim::SGD: the same parameters and momentum
// buffers, bit for bit, step after step.
#include "lab/train/fused_sgd.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "support/op_cases.h"

namespace relulab {
namespace lab {
namespace {

// Parameters of an MLP's shapes: vector-length multiples, tails, scalars.
std::vector<at::Tensor> parameters(at::ScalarType dtype) {
  std::vector<at::Tensor> out;
  for (const auto& shape :
       std::vector<std::vector<int64_t>>{{256, 784}, {256}, {37, 19}, {10}, {1}})
    out.push_back(torch::randn(shape, torch::TensorOptions().dtype(dtype)));
  return out;
}

void expect_same_training(const torch::optim::SGDOptions& options, at::ScalarType dtype) {
  torch::manual_seed(11);
  auto ours = parameters(dtype);
  std::vector<at::Tensor> theirs;
  for (auto& p : ours) {
    theirs.push_back(p.clone().requires_grad_(true));
    p.requires_grad_(true);
  }
  FusedSGD fused(ours, options);
  torch::optim::SGD reference(theirs, options);
  for (int step = 0; step < 6; ++step) {
    if (step == 3) {  // as a schedule does
      for (auto* o : std::vector<torch::optim::Optimizer*>{&fused, &reference})
        for (auto& g : o->param_groups()) g.options().set_lr(options.lr() * 0.3);
    }
    for (size_t i = 0; i < ours.size(); ++i) {
      const auto g = torch::randn_like(ours[i]) * (step + 1);
      ours[i].mutable_grad() = g.clone();
      theirs[i].mutable_grad() = g.clone();
    }
    fused.step();
    reference.step();
    for (size_t i = 0; i < ours.size(); ++i) {
      ASSERT_TRUE(testing::bitwise_equal(ours[i], theirs[i]))
          << "step " << step << " parameter " << i;
    }
  }
}

class FusedSgdTest : public ::testing::TestWithParam<at::ScalarType> {};

TEST_P(FusedSgdTest, MomentumMatchesTorchSgdBitForBit) {
  expect_same_training(torch::optim::SGDOptions(0.05).momentum(0.9), GetParam());
}

TEST_P(FusedSgdTest, MomentumWithWeightDecayMatchesTorchSgdBitForBit) {
  expect_same_training(torch::optim::SGDOptions(0.05).momentum(0.9).weight_decay(1e-3), GetParam());
  expect_same_training(torch::optim::SGDOptions(0.05).momentum(0.9).weight_decay(5e-4), GetParam());
}

TEST_P(FusedSgdTest, OtherSettingsFallBackToTorchSgd) {
  expect_same_training(torch::optim::SGDOptions(0.05).momentum(0.9).nesterov(true), GetParam());
  expect_same_training(torch::optim::SGDOptions(0.05), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Dtypes, FusedSgdTest, ::testing::Values(at::kFloat, at::kDouble),
                         [](const auto& info) { return std::string(c10::toString(info.param)); });

}  // namespace
}  // namespace lab
}  // namespace relulab
