// max_pool2x2 against LibTorch's max_pool2d: same values and gradients, bit
// for bit, including ties, NaN, infinities and odd sizes.
#include "lab/models/max_pool.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>

#include "support/gradcheck.h"
#include "support/op_cases.h"

namespace relulab {
namespace lab {
namespace {

// Inputs where windows often tie (small integers), with NaN, +-inf and -0.0.
at::Tensor awkward_input(at::ScalarType dtype, std::vector<int64_t> sizes) {
  auto x = torch::randint(-2, 3, sizes).to(dtype);
  auto flat = x.view(-1);
  const double inf = std::numeric_limits<double>::infinity();
  flat[0] = std::numeric_limits<double>::quiet_NaN();
  flat[5] = inf;
  flat[6] = -inf;
  flat[7] = -inf;
  flat[11] = -0.0;
  return x;
}

// NaN, +-inf and ties anywhere, in rows wide enough for the vectorised
// loops' main body and their remainders (Note [Max-pool rows as vector
// loops]): a NaN after a larger value, before one, two NaNs in a window.
at::Tensor nan_anywhere_input(at::ScalarType dtype, std::vector<int64_t> sizes) {
  auto x = torch::randint(-2, 3, sizes).to(dtype);
  const auto u = torch::rand(sizes);
  const double inf = std::numeric_limits<double>::infinity();
  x.masked_fill_(u < 0.15, std::numeric_limits<double>::quiet_NaN());
  x.masked_fill_((u >= 0.15) & (u < 0.2), inf);
  x.masked_fill_((u >= 0.2) & (u < 0.25), -inf);
  return x;
}

class MaxPoolTest : public ::testing::TestWithParam<at::ScalarType> {};

TEST_P(MaxPoolTest, ValuesAndGradientsMatchLibTorchBitForBit) {
  torch::manual_seed(3);
  for (const auto& sizes : std::vector<std::vector<int64_t>>{{4, 3, 8, 8},
                                                             {2, 5, 7, 9},
                                                             {3, 1, 28, 28},
                                                             {1, 2, 2, 3},
                                                             {2, 3, 6, 70},
                                                             {1, 2, 5, 47},
                                                             {2, 2, 14, 14}}) {
    for (const int kind : {0, 1, 2}) {
      SCOPED_TRACE(::testing::Message() << at::IntArrayRef(sizes) << " kind " << kind);
      const auto base = kind == 1   ? awkward_input(GetParam(), sizes)
                        : kind == 2 ? nan_anywhere_input(GetParam(), sizes)
                                    : torch::randn(sizes, torch::TensorOptions().dtype(GetParam()));
      auto ours_x = base.clone().requires_grad_(true);
      auto ref_x = base.clone().requires_grad_(true);
      const auto ours = max_pool2x2(ours_x);
      const auto ref = torch::max_pool2d(ref_x, 2);
      EXPECT_TRUE(testing::bitwise_equal(ours, ref));
      EXPECT_TRUE(testing::bitwise_equal(max_pool2x2(base), ref.detach())) << "without autograd";
      // Gradients with signed zeros and ties in them as well.
      auto grad = torch::randint(-1, 2, ref.sizes()).to(GetParam());
      grad.view(-1)[0] = -0.0;
      ours.backward(grad);
      ref.backward(grad);
      EXPECT_TRUE(testing::bitwise_equal(ours_x.grad(), ref_x.grad()));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Dtypes, MaxPoolTest, ::testing::Values(at::kFloat, at::kDouble),
                         [](const auto& info) { return std::string(c10::toString(info.param)); });

TEST(MaxPoolGradcheck, DoublePrecision) {
  torch::manual_seed(4);
  // Distinct values (no ties), so the maximum is differentiable.
  const auto x = torch::randperm(2 * 3 * 6 * 6, torch::kDouble).view({2, 3, 6, 6}).div(7);
  EXPECT_TRUE(testing::gradcheck(
      [](const std::vector<at::Tensor>& in) { return max_pool2x2(in[0]); }, {x}));
}

TEST(MaxPoolTest, OtherDtypesGoToLibTorch) {
  const auto x = torch::randn({2, 3, 4, 4}).to(at::kBFloat16);
  EXPECT_TRUE(testing::bitwise_equal(max_pool2x2(x), torch::max_pool2d(x, 2)));
}

}  // namespace
}  // namespace lab
}  // namespace relulab
