// The modules are drop-in replacements for LibTorch's: same options and
// defaults, same printing, same parameters, same numbers.

#include <gtest/gtest.h>

#include <cstdio>

#include "relulab/relulab.h"
#include "support/op_cases.h"

namespace relulab {
namespace {

template <typename Module>
std::string printed(const Module& m) {
  std::ostringstream out;
  m->pretty_print(out);
  return out.str();
}

// relulab's print with the namespace swapped must equal LibTorch's.
std::string as_torch(std::string s) {
  const std::string from = "relulab::nn::";
  s.replace(s.find(from), from.size(), "torch::nn::");
  return s;
}

TEST(ModulesTest, OptionDefaultsMirrorLibTorch) {
  EXPECT_EQ(nn::ReLUOptions().inplace(), torch::nn::ReLUOptions().inplace());
  EXPECT_EQ(nn::LeakyReLUOptions().negative_slope(),
            torch::nn::LeakyReLUOptions().negative_slope());
  EXPECT_EQ(nn::PReLUOptions().num_parameters(), torch::nn::PReLUOptions().num_parameters());
  EXPECT_EQ(nn::PReLUOptions().init(), torch::nn::PReLUOptions().init());
  EXPECT_EQ(nn::GELUOptions().approximate(), torch::nn::GELUOptions().approximate());
  EXPECT_EQ(nn::ELUOptions().alpha(), torch::nn::ELUOptions().alpha());
  EXPECT_EQ(nn::RReLUOptions().lower(), torch::nn::RReLUOptions().lower());
  EXPECT_EQ(nn::RReLUOptions().upper(), torch::nn::RReLUOptions().upper());
}

TEST(ModulesTest, PrettyPrintMatchesLibTorch) {
  EXPECT_EQ(as_torch(printed(nn::ReLU())), printed(torch::nn::ReLU()));
  EXPECT_EQ(as_torch(printed(nn::ReLU(true))), printed(torch::nn::ReLU(true)));
  EXPECT_EQ(as_torch(printed(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)))),
            printed(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2))));
  EXPECT_EQ(as_torch(printed(nn::LeakyReLU(nn::LeakyReLUOptions().inplace(true)))),
            printed(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().inplace(true))));
  EXPECT_EQ(as_torch(printed(nn::PReLU(nn::PReLUOptions().num_parameters(64)))),
            printed(torch::nn::PReLU(torch::nn::PReLUOptions().num_parameters(64))));
  EXPECT_EQ(as_torch(printed(nn::GELU())), printed(torch::nn::GELU()));
  EXPECT_EQ(as_torch(printed(nn::Sigmoid())), printed(torch::nn::Sigmoid()));
  EXPECT_EQ(as_torch(printed(nn::Tanh())), printed(torch::nn::Tanh()));
  EXPECT_EQ(as_torch(printed(nn::ELU(nn::ELUOptions().alpha(0.5)))),
            printed(torch::nn::ELU(torch::nn::ELUOptions().alpha(0.5))));
  EXPECT_EQ(as_torch(printed(nn::SELU())), printed(torch::nn::SELU()));
  EXPECT_EQ(as_torch(printed(nn::SiLU())), printed(torch::nn::SiLU()));
  EXPECT_EQ(as_torch(printed(nn::RReLU())), printed(torch::nn::RReLU()));
  EXPECT_EQ(as_torch(printed(nn::Mish())), printed(torch::nn::Mish()));
  EXPECT_EQ(printed(nn::Hardswish()), "relulab::nn::Hardswish()");
  EXPECT_EQ(as_torch(printed(nn::Softplus(nn::SoftplusOptions().beta(2).threshold(10)))),
            printed(torch::nn::Softplus(torch::nn::SoftplusOptions().beta(2).threshold(10))));
  EXPECT_EQ(as_torch(printed(nn::RReLU(nn::RReLUOptions().lower(0.1).upper(0.2)))),
            printed(torch::nn::RReLU(torch::nn::RReLUOptions().lower(0.1).upper(0.2))));
}

// The same network built twice, once per library, with the same weights.
template <typename Act>
torch::nn::Sequential mlp(Act act) {
  return torch::nn::Sequential(torch::nn::Linear(6, 8), act, torch::nn::Linear(8, 3));
}

TEST(ModulesTest, SwappingLibTorchModulesChangesNothingButTheKernel) {
  torch::manual_seed(7);
  const auto x = torch::randn({16, 6});
  const std::vector<std::pair<torch::nn::AnyModule, torch::nn::AnyModule>> pairs = {
      {torch::nn::AnyModule(nn::ReLU()), torch::nn::AnyModule(torch::nn::ReLU())},
      {torch::nn::AnyModule(nn::LeakyReLU()), torch::nn::AnyModule(torch::nn::LeakyReLU())},
      {torch::nn::AnyModule(nn::PReLU(nn::PReLUOptions().num_parameters(8))),
       torch::nn::AnyModule(torch::nn::PReLU(torch::nn::PReLUOptions().num_parameters(8)))},
      {torch::nn::AnyModule(nn::GELU()), torch::nn::AnyModule(torch::nn::GELU())},
      {torch::nn::AnyModule(nn::Sigmoid()), torch::nn::AnyModule(torch::nn::Sigmoid())},
      {torch::nn::AnyModule(nn::Tanh()), torch::nn::AnyModule(torch::nn::Tanh())},
      {torch::nn::AnyModule(nn::ELU()), torch::nn::AnyModule(torch::nn::ELU())},
      {torch::nn::AnyModule(nn::SELU()), torch::nn::AnyModule(torch::nn::SELU())},
      {torch::nn::AnyModule(nn::SiLU()), torch::nn::AnyModule(torch::nn::SiLU())},
      {torch::nn::AnyModule(nn::Softplus()), torch::nn::AnyModule(torch::nn::Softplus())},
      {torch::nn::AnyModule(nn::Mish()), torch::nn::AnyModule(torch::nn::Mish())},
      // LibTorch's C++ frontend has no Hardswish module: its functional op.
      {torch::nn::AnyModule(nn::Hardswish()),
       torch::nn::AnyModule(torch::nn::Functional([](at::Tensor x) { return at::hardswish(x); }))},
  };
  for (const auto& [ours_act, torch_act] : pairs) {
    SCOPED_TRACE(ours_act.ptr()->name());
    auto ours = mlp(ours_act);
    auto theirs = mlp(torch_act);
    {
      torch::NoGradGuard no_grad;
      auto src = theirs->parameters();
      auto dst = ours->parameters();
      ASSERT_EQ(src.size(), dst.size());
      for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
    }
    const auto y_ours = ours->forward(x);
    const auto y_theirs = theirs->forward(x);
    EXPECT_TRUE(torch::allclose(y_ours, y_theirs, 1e-5, 1e-6));
    y_ours.sum().backward();
    y_theirs.sum().backward();
    for (size_t i = 0; i < ours->parameters().size(); ++i) {
      EXPECT_TRUE(torch::allclose(ours->parameters()[i].grad(), theirs->parameters()[i].grad(),
                                  1e-4, 1e-6));
    }
  }
}

TEST(PReLUModuleTest, WeightIsARegisteredParameterNamedWeight) {
  nn::PReLU prelu(nn::PReLUOptions().num_parameters(4).init(0.1));
  const auto params = prelu->named_parameters();
  ASSERT_EQ(params.size(), 1u);
  ASSERT_TRUE(params.contains("weight"));
  EXPECT_EQ(params["weight"].sizes(), at::IntArrayRef({4}));
  EXPECT_TRUE(torch::allclose(params["weight"], torch::full({4}, 0.1)));
}

TEST(PReLUModuleTest, OptimizerUpdatesTheSlopes) {
  nn::PReLU prelu(nn::PReLUOptions().num_parameters(3));
  torch::optim::SGD sgd(prelu->parameters(), torch::optim::SGDOptions(0.5));
  const auto x = -torch::ones({2, 3});
  prelu->forward(x).sum().backward();
  sgd.step();
  // d(sum(a * x))/da = sum over the batch of x = -2, so a = 0.25 + 0.5 * 2.
  EXPECT_TRUE(torch::allclose(prelu->weight, torch::full({3}, 1.25)));
}

TEST(PReLUModuleTest, SaveAndLoadRoundTrip) {
  nn::PReLU saved(nn::PReLUOptions().num_parameters(5));
  {
    torch::NoGradGuard no_grad;
    saved->weight.copy_(torch::arange(5, torch::kFloat));
  }
  const std::string path = ::testing::TempDir() + "/prelu.pt";
  torch::save(saved, path);
  nn::PReLU loaded(nn::PReLUOptions().num_parameters(5));
  torch::load(loaded, path);
  std::remove(path.c_str());
  EXPECT_TRUE(torch::equal(loaded->weight, saved->weight));
}

TEST(PReLUModuleTest, CloneIsDeep) {
  nn::PReLU original(nn::PReLUOptions().num_parameters(2));
  auto copy = std::dynamic_pointer_cast<nn::PReLUImpl>(original->clone());
  ASSERT_TRUE(copy);
  {
    torch::NoGradGuard no_grad;
    copy->weight.fill_(1.0);
  }
  EXPECT_TRUE(torch::allclose(original->weight, torch::full({2}, 0.25)));
}

TEST(ModulesTest, InplaceWritesIntoUntrackedInput) {
  auto x = torch::tensor({-1.0f, 2.0f});
  const auto y = nn::ReLU(nn::ReLUOptions(true))->forward(x);
  EXPECT_EQ(y.data_ptr(), x.data_ptr());
  EXPECT_TRUE(torch::equal(x, torch::tensor({0.0f, 2.0f})));
}

TEST(ModulesTest, InplaceUnderAutogradLeavesInputIntact) {
  // See Note [inplace].
  const auto leaf = torch::tensor({-1.0f, 2.0f}, torch::requires_grad());
  auto x = leaf * 1;
  const auto y = nn::LeakyReLU(nn::LeakyReLUOptions().inplace(true))->forward(x);
  y.sum().backward();
  EXPECT_TRUE(torch::equal(x.detach(), torch::tensor({-1.0f, 2.0f})));
  EXPECT_TRUE(torch::allclose(leaf.grad(), torch::tensor({0.01f, 1.0f})));
}

TEST(RReLUModuleTest, EvalUsesTheMeanSlope) {
  nn::RReLU rrelu(nn::RReLUOptions().lower(0.1).upper(0.3));
  rrelu->eval();
  const auto y = rrelu->forward(torch::tensor({-1.0, 2.0}));
  EXPECT_TRUE(torch::allclose(y, torch::tensor({-0.2, 2.0})));
}

TEST(RReLUModuleTest, TrainingDrawsSlopesWithinBounds) {
  torch::manual_seed(8);
  nn::RReLU rrelu(nn::RReLUOptions().lower(0.1).upper(0.3));
  rrelu->train();
  const auto x = torch::cat({-torch::ones({20000}), torch::ones({10})});
  const auto y = rrelu->forward(x);
  const auto slopes = -y.slice(0, 0, 20000);
  EXPECT_GE(slopes.min().item<double>(), 0.1);
  EXPECT_LE(slopes.max().item<double>(), 0.3);
  // U(0.1, 0.3): mean 0.2, standard error 0.058 / sqrt(20000) = 4e-4.
  EXPECT_NEAR(slopes.mean().item<double>(), 0.2, 0.002);
  EXPECT_GT(slopes.std().item<double>(), 0.05);
  EXPECT_TRUE(torch::equal(y.slice(0, 20000), torch::ones({10})));
}

TEST(FunctionalTest, MatchesModuleAndOps) {
  const auto x = torch::randn({3, 4});
  namespace F = nn::functional;
  EXPECT_TRUE(torch::equal(F::relu(x), ops::relu(x)));
  EXPECT_TRUE(torch::equal(F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.3)),
                           ops::leaky_relu(x, 0.3)));
  EXPECT_TRUE(
      torch::equal(F::gelu(x, F::GELUFuncOptions().approximate("tanh")), ops::gelu(x, "tanh")));
  EXPECT_TRUE(torch::equal(F::elu(x, F::ELUFuncOptions().alpha(2.0)), ops::elu(x, 2.0)));
  EXPECT_TRUE(torch::equal(F::selu(x), ops::selu(x)));
  EXPECT_TRUE(torch::equal(F::silu(x), nn::SiLU()->forward(x)));
  EXPECT_TRUE(torch::equal(F::sigmoid(x), nn::Sigmoid()->forward(x)));
  EXPECT_TRUE(torch::equal(F::tanh(x), nn::Tanh()->forward(x)));
  EXPECT_TRUE(torch::equal(F::prelu(x, torch::full({4}, 0.1f)),
                           nn::PReLU(nn::PReLUOptions().num_parameters(4).init(0.1))->forward(x)));
}

}  // namespace
}  // namespace relulab
