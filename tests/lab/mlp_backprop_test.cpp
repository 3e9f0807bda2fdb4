// MlpBackprop against autograd: the same loss, logits, gradients,
// pre-activation gradients and (after SGD steps) parameters, bit for bit, for
// every activation the trainer can build (Note [The MLP step without autograd]).
#include "lab/train/mlp_backprop.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cctype>

#include "lab/train/fused_sgd.h"
#include "relulab/nn/factory.h"
#include "support/op_cases.h"

namespace relulab {
namespace lab {
namespace {

struct Case {
  std::string label;
  ActivationConfig activation;
  std::vector<int64_t> hidden;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const auto& name : nn::activation_names()) {
    ActivationConfig a;
    a.name = name;
    out.push_back({name, a, {64, 48}});
  }
  ActivationConfig prelu;
  prelu.name = "prelu";
  prelu.per_channel = true;
  out.push_back({"prelu_per_unit", prelu, {64, 48}});
  ActivationConfig gelu_tanh;
  gelu_tanh.name = "gelu";
  gelu_tanh.params["approximate"] = std::string("tanh");
  out.push_back({"gelu_tanh", gelu_tanh, {64, 48}});
  ActivationConfig leaky;
  leaky.name = "leaky_relu";
  leaky.params["negative_slope"] = 0.2;
  out.push_back({"leaky_relu_0.2", leaky, {64, 48}});
  // A width-1 layer: with a batch of 1 its output is also column-major,
  // autograd's other branch of mm_mat1_backward.
  ActivationConfig relu;
  out.push_back({"relu_width_1", relu, {3, 1}});
  return out;
}

Network make_network(const Case& c) {
  ModelConfig model;
  model.hidden = c.hidden;
  model.init = Init::kKaimingNormal;
  Network net(model, c.activation, std::vector<int64_t>{1, 12, 12}, 10);
  initialise(net, model, c.activation);
  return net;
}

void copy_parameters(Network& from, Network& to) {
  torch::NoGradGuard no_grad;
  const auto source = from->parameters();
  const auto target = to->parameters();
  for (size_t i = 0; i < source.size(); ++i) target[i].copy_(source[i]);
}

class MlpBackpropTest : public ::testing::TestWithParam<Case> {};

TEST_P(MlpBackpropTest, StepsAreBitIdenticalToAutograd) {
  const Case& c = GetParam();
  torch::manual_seed(3);
  Network reference = make_network(c), ours = make_network(c);
  copy_parameters(reference, ours);
  ASSERT_TRUE(MlpBackprop::supports(ours));
  MlpBackprop backprop(ours);
  const auto options = torch::optim::SGDOptions(0.1).momentum(0.9);
  FusedSGD reference_sgd(reference->parameters(), options), our_sgd(ours->parameters(), options);
  reference->train();
  ours->train();
  for (const int64_t batch : {128, 37, 1, 128}) {
    SCOPED_TRACE("batch " + std::to_string(batch));
    // Inputs shaped as the trainer's images, flattened by the network.
    const auto x = torch::randn({batch, 1, 12, 12}) * 2;
    const auto y = torch::randint(10, {batch}, torch::kLong);
    const uint64_t seed = static_cast<uint64_t>(torch::randint(1 << 30, {1}).item<int64_t>());

    torch::manual_seed(seed);  // rrelu draws its slopes
    for (auto& p : reference->parameters()) p.mutable_grad().reset();
    std::vector<at::Tensor> pre;
    const auto logits = reference->forward(x, &pre);
    const auto loss = torch::cross_entropy_loss(logits, y);
    for (auto& z : pre) z.retain_grad();
    loss.backward();

    torch::manual_seed(seed);
    std::vector<at::Tensor> our_pre, our_pre_grads;
    const auto our_loss = backprop.forward(x, y, &our_pre);
    backprop.backward(&our_pre_grads);

    EXPECT_TRUE(testing::bitwise_equal(our_loss, loss.detach()));
    EXPECT_TRUE(testing::bitwise_equal(backprop.logits(), logits.detach()));
    ASSERT_EQ(our_pre.size(), pre.size());
    ASSERT_EQ(our_pre_grads.size(), pre.size());
    for (size_t l = 0; l < pre.size(); ++l) {
      EXPECT_TRUE(testing::bitwise_equal(our_pre[l], pre[l].detach())) << "layer " << l;
      EXPECT_TRUE(testing::bitwise_equal(our_pre_grads[l], pre[l].grad())) << "layer " << l;
    }
    const auto names = reference->named_parameters();
    const auto our_parameters = ours->parameters();
    for (size_t i = 0; i < names.size(); ++i) {
      ASSERT_TRUE(our_parameters[i].grad().defined()) << names[i].key();
      EXPECT_TRUE(testing::bitwise_equal(our_parameters[i].grad(), names[i].value().grad()))
          << names[i].key();
      // The layout too: grad_norm reads the gradients, and a reduction over a
      // transposed layout sums in another order (FusedSGD would also fall
      // back to torch::optim::SGD).
      EXPECT_EQ(our_parameters[i].grad().strides(), names[i].value().grad().strides())
          << names[i].key();
    }
    reference_sgd.step();
    our_sgd.step();
    for (size_t i = 0; i < names.size(); ++i) {
      EXPECT_TRUE(testing::bitwise_equal(our_parameters[i], names[i].value())) << names[i].key();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryActivation, MlpBackpropTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name = info.param.label;
                           for (auto& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

TEST(MlpBackpropTest, CnnsKeepAutograd) {
  ModelConfig model;
  model.arch = Arch::kCnn;
  model.channels = {2};
  Network net(model, ActivationConfig{}, std::vector<int64_t>{1, 8, 8}, 3);
  EXPECT_FALSE(MlpBackprop::supports(net));
}

}  // namespace
}  // namespace lab
}  // namespace relulab
