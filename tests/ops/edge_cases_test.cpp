// Special values, degenerate shapes and bad arguments behave as LibTorch's
// built-ins do (or fail with an actionable message).

#include <gtest/gtest.h>

#include <limits>

#include "relulab/relulab.h"
#include "support/op_cases.h"

namespace relulab {
namespace {

using testing::all_op_cases;
using testing::OpCase;

at::Tensor special_values(at::ScalarType dtype) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double tiny = dtype == at::kFloat ? 1e-40 : 1e-310;  // subnormal
  const double big = dtype == at::kFloat ? 100.0 : 800.0;    // exp overflows
  // Just inside exp's finite range, where a clamped exp must still be right.
  const double edge = dtype == at::kFloat ? 88.5 : 709.5;
  std::vector<double> v = {0.0, -0.0, nan, inf, -inf, tiny, -tiny, big, -big, edge, -edge,
                           1.0, -1.0, 1e-3, -1e-3, 20.0, -20.0, 88.0, -88.0};
  // Repeat so that special values land both in full vectors and in the tail.
  std::vector<double> all;
  for (int r = 0; r < 3; ++r) all.insert(all.end(), v.begin(), v.end());
  return torch::tensor(all, torch::TensorOptions().dtype(at::kDouble)).to(dtype);
}

class EdgeCaseTest : public ::testing::TestWithParam<at::ScalarType> {};

TEST_P(EdgeCaseTest, SpecialValuesMatchLibTorch) {
  const auto x = special_values(GetParam());
  for (const OpCase& op : all_op_cases(/*channels=*/1)) {
    SCOPED_TRACE(op.name);
    const auto ours = op.ours(x);
    const auto reference = op.reference(x);
    // Subnormal outputs are compared as zero: LibTorch's vector exp flushes
    // some of them and not others.
    const auto flush = [](at::Tensor t) {
      const double tiny = t.scalar_type() == at::kFloat ? 1.2e-38 : 2.3e-308;
      return t.masked_fill(t.abs() < tiny, 0.0);
    };
    EXPECT_TRUE(testing::agree(op, flush(ours), flush(reference)));
    // Signed zeros: -0.0 in, the same signed zero out.
    const auto zero_in = x.eq(0);
    EXPECT_TRUE(torch::equal(torch::signbit(ours).masked_select(zero_in),
                             torch::signbit(reference).masked_select(zero_in)));
  }
}

TEST_P(EdgeCaseTest, SpecialValuesBackwardMatchesLibTorch) {
  const auto base = special_values(GetParam());
  for (const OpCase& op : all_op_cases(/*channels=*/1)) {
    SCOPED_TRACE(op.name);
    const auto x_ours = base.clone().requires_grad_(true);
    const auto x_ref = base.clone().requires_grad_(true);
    op.ours(x_ours).backward(torch::ones_like(base));
    op.reference(x_ref).backward(torch::ones_like(base));
    EXPECT_TRUE(testing::agree(op, x_ours.grad(), x_ref.grad()));
  }
}

TEST_P(EdgeCaseTest, EmptyAndZeroDimTensorsWork) {
  const auto opts = torch::TensorOptions().dtype(GetParam());
  for (const OpCase& op : all_op_cases(/*channels=*/1)) {
    SCOPED_TRACE(op.name);
    for (const auto& x : {torch::empty({0}, opts), torch::empty({3, 0, 2}, opts),
                          torch::tensor(-1.5, opts), torch::tensor(2.0, opts)}) {
      const auto ours = op.ours(x);
      EXPECT_EQ(ours.sizes(), x.sizes());
      EXPECT_TRUE(testing::agree(op, ours, op.reference(x)));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Dtypes, EdgeCaseTest, ::testing::Values(at::kFloat, at::kDouble),
                         [](const auto& info) { return std::string(c10::toString(info.param)); });

TEST(OpErrorTest, UnsupportedDtypeSaysWhatToDo) {
  const auto x = torch::randn({4}).to(at::kHalf);
  EXPECT_THROW(
      {
        try {
          ops::relu(x);
        } catch (const c10::Error& e) {
          EXPECT_NE(std::string(e.what()).find("expected self to be float32 or float64, but got Half"),
                    std::string::npos) << e.what();
          EXPECT_NE(std::string(e.what()).find("HINT"), std::string::npos);
          throw;
        }
      },
      c10::Error);
  EXPECT_THROW(ops::gelu(torch::randn({4}).to(at::kInt)), c10::Error);
}

TEST(OpErrorTest, PReLUChecksWeightAgainstChannels) {
  const auto x = torch::randn({2, 3, 4});
  try {
    ops::prelu(x, torch::ones({4}));
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("weight has 4 slopes but input.size(1) = 3"),
              std::string::npos) << e.what();
  }
  EXPECT_THROW(ops::prelu(torch::randn({5}), torch::ones({5})), c10::Error);
  EXPECT_THROW(ops::prelu(x, torch::ones({3, 1})), c10::Error);
  EXPECT_THROW(ops::prelu(x, torch::ones({3}, at::kDouble)), c10::Error);
  // A single slope works for any rank, 0-dim included, as in LibTorch.
  EXPECT_TRUE(testing::bitwise_equal(ops::prelu(torch::tensor(-2.0), torch::full({1}, 0.25)),
                                     torch::prelu(torch::tensor(-2.0), torch::full({1}, 0.25))));
}

TEST(OpErrorTest, BadScalarArgumentsAreRejected) {
  const auto x = torch::randn({4});
  try {
    ops::gelu(x, "fast");
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("approximate must be \"none\" or \"tanh\", but got \"fast\""),
              std::string::npos) << e.what();
  }
  try {
    ops::rrelu(x, 0.5, 0.1, /*training=*/true);
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected lower <= upper, but got lower=0.5"),
              std::string::npos) << e.what();
  }
}

TEST(OpErrorTest, BackwardChecksShapes) {
  EXPECT_THROW(ops::relu_backward(torch::ones({3}), torch::ones({4})), c10::Error);
  EXPECT_THROW(ops::sigmoid_backward(torch::ones({3}), torch::ones({3}, at::kDouble)),
               c10::Error);
}

}  // namespace
}  // namespace relulab
