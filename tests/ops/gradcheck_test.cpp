// Double-precision gradient checks: every backward operator against central
// finite differences of its own forward, input by input, as
// torch.autograd.gradcheck does (support/gradcheck.h).

#include <gtest/gtest.h>

#include <functional>

#include "relulab/relulab.h"
#include "support/gradcheck.h"
#include "support/op_cases.h"

namespace relulab {
namespace {

using testing::Fn;
using testing::gradcheck;

// Points away from the kink at 0 (finite differences straddling it are
// meaningless), covering both sides.
at::Tensor away_from_kink(std::vector<int64_t> shape) {
  auto x = torch::rand(shape, at::kDouble) * 2.5 + 0.1;
  auto sign = torch::randint(0, 2, shape, at::kDouble) * 2 - 1;
  return x * sign;
}

TEST(GradcheckTest, EveryOpAgainstFiniteDifferences) {
  torch::manual_seed(3);
  for (const auto& op : testing::all_op_cases(/*channels=*/3)) {
    SCOPED_TRACE(op.name);
    const auto x = away_from_kink({2, 3, 2});
    EXPECT_TRUE(gradcheck([&](const std::vector<at::Tensor>& in) { return op.ours(in[0]); }, {x}));
  }
}

TEST(GradcheckTest, PReLUWeightGradient) {
  torch::manual_seed(4);
  for (int64_t slopes : {1, 3}) {
    SCOPED_TRACE(slopes);
    for (const auto& shape : std::vector<std::vector<int64_t>>{{4, 3}, {2, 3, 5}, {2, 3, 2, 2}}) {
      EXPECT_TRUE(
          gradcheck([](const std::vector<at::Tensor>& in) { return ops::prelu(in[0], in[1]); },
                    {away_from_kink(shape), torch::rand({slopes}, at::kDouble) - 0.3}));
    }
  }
}

TEST(GradcheckTest, ParametrisedOpsWithOtherConstants) {
  torch::manual_seed(5);
  const auto x = away_from_kink({3, 4});
  const std::vector<std::pair<std::string, Fn>> cases = {
      {"elu(alpha=2, scale=1.5, input_scale=0.5)",
       [](const auto& in) { return ops::elu(in[0], 2.0, 1.5, 0.5); }},
      {"leaky_relu(-0.3)", [](const auto& in) { return ops::leaky_relu(in[0], -0.3); }},
  };
  for (const auto& [name, f] : cases) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(gradcheck(f, {x}));
  }
}

// In training, RReLU's slopes are random: fixing the generator's seed makes
// the forward a fixed piecewise-linear function to check.
TEST(GradcheckTest, RReLUTrainingWithFixedNoise) {
  const auto x = away_from_kink({3, 5});
  const Fn f = [](const std::vector<at::Tensor>& in) {
    auto gen = at::detail::createCPUGenerator(/*seed_val=*/42);
    return ops::rrelu(in[0], 0.1, 0.4, /*training=*/true, gen);
  };
  EXPECT_TRUE(gradcheck(f, {x}));
}

}  // namespace
}  // namespace relulab
