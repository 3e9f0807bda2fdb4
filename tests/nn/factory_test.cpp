// make_activation builds every activation by name and refuses unknown names,
// unknown parameters and mistyped values with the valid choices listed.

#include <gtest/gtest.h>

#include "relulab/relulab.h"

namespace relulab {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const c10::Error& e) {
    return e.what_without_backtrace();
  }
  return "(no error)";
}

TEST(FactoryTest, ListsEveryActivation) {
  EXPECT_EQ(
      nn::activation_names(),
      (std::vector<std::string>{"elu", "gelu", "hardswish", "leaky_relu", "mish", "prelu", "relu",
                                "rrelu", "selu", "sigmoid", "silu", "softplus", "tanh"}));
}

TEST(FactoryTest, EveryNameBuildsAWorkingModule) {
  const auto x = torch::randn({4, 3});
  for (const auto& name : nn::activation_names()) {
    SCOPED_TRACE(name);
    auto module = nn::make_activation(name);
    EXPECT_EQ(module.forward(x).sizes(), x.sizes());
  }
}

TEST(FactoryTest, ParametersReachTheOptions) {
  const auto x = torch::tensor({-1.0f, 1.0f});
  EXPECT_TRUE(
      torch::allclose(nn::make_activation("leaky_relu", {{"negative_slope", 0.2}}).forward(x),
                      torch::tensor({-0.2f, 1.0f})));
  auto prelu = nn::make_activation("prelu", {{"num_parameters", 3.0}, {"init", 0.5}});
  EXPECT_EQ(prelu.ptr()->named_parameters()["weight"].sizes(), at::IntArrayRef({3}));
  EXPECT_TRUE(torch::allclose(
      nn::make_activation("gelu", {{"approximate", std::string("tanh")}}).forward(x),
      torch::gelu(x, "tanh")));
  EXPECT_TRUE(torch::allclose(
      nn::make_activation("softplus", {{"beta", 2.0}, {"threshold", 0.5}}).forward(x),
      torch::softplus(x, 2.0, 0.5)));
}

TEST(FactoryTest, UnknownNameListsTheValidOnes) {
  const auto message = error_of([] { nn::make_activation("relu6"); });
  EXPECT_NE(
      message.find("unknown activation 'relu6'; valid activations: elu, gelu, hardswish, "
                   "leaky_relu, mish, prelu, relu, rrelu, selu, sigmoid, silu, softplus, tanh"),
      std::string::npos)
      << message;
}

TEST(FactoryTest, UnknownParameterListsTheValidOnes) {
  const auto message = error_of([] { nn::make_activation("leaky_relu", {{"slope", 0.1}}); });
  EXPECT_NE(message.find("unknown parameter 'slope' for activation 'leaky_relu'; valid "
                         "parameters: negative_slope, inplace"),
            std::string::npos)
      << message;
  EXPECT_NE(error_of([] {
              nn::make_activation("tanh", {{"alpha", 1.0}});
            }).find("valid parameters: (none)"),
            std::string::npos);
}

TEST(FactoryTest, MistypedValuesAreRejected) {
  EXPECT_NE(error_of([] {
              nn::make_activation("elu", {{"alpha", std::string("big")}});
            }).find("parameter 'alpha' of 'elu' must be a number"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              nn::make_activation("prelu", {{"num_parameters", 2.5}});
            }).find("parameter 'num_parameters' of 'prelu' must be an integer"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              nn::make_activation("gelu", {{"approximate", std::string("fast")}});
            }).find("approximate must be \"none\" or \"tanh\""),
            std::string::npos);
}

}  // namespace
}  // namespace relulab
