// The table every operator test walks: each relulab operator next to the
// LibTorch op it must agree with, and how closely.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

namespace relulab {
namespace testing {

enum class Agreement {
  kBitwise,    // relu, leaky_relu, prelu: the same IEEE operations
  kTolerance,  // transcendental: see Note [Parity tolerances]
};

// Note [Parity tolerances]
// Transcendental ops use Highway's exp/expm1/tanh where LibTorch uses SLEEF,
// and float32 GELU uses the same erf approximation as LibTorch's vectorised
// kernel. Measured over x in [-30, 30] (python check in tests/python), the
// two libraries differ by at most ~2 ulp where the result is O(1) and by up
// to 1e-6 absolute in GELU's tails, where 1 + erf (or 1 + tanh) cancels and
// both are that far from the float64 truth. Hence, per element:
//   float32: |ours - torch| <= 1e-6 * |torch| + 2e-6
//   float64: |ours - torch| <= 1e-10 * |torch| + 1e-14
struct Tolerance {
  double rtol;
  double atol;
};
Tolerance tolerance_for(at::ScalarType dtype);

struct OpCase {
  std::string name;
  Agreement agreement;
  // Forward of relulab's op and of LibTorch's reference, given the input.
  // PReLU cases create their weight from the input's channel count.
  std::function<at::Tensor(const at::Tensor&)> ours;
  std::function<at::Tensor(const at::Tensor&)> reference;
  // Inputs are kept this far from the op's kinks for gradcheck.
  bool has_kink_at_zero;
};

/// Every op, with its parameters, as tested. `channels` sizes PReLU weights.
std::vector<OpCase> all_op_cases(int64_t channels);

/// Same NaN positions and bit-identical everywhere else.
::testing::AssertionResult bitwise_equal(const at::Tensor& a, const at::Tensor& b);

/// Same NaN and inf positions, and within tolerance_for(dtype) elsewhere.
::testing::AssertionResult close(const at::Tensor& a, const at::Tensor& b, Tolerance tolerance);

/// Compares per the case's agreement.
::testing::AssertionResult agree(const OpCase& op, const at::Tensor& ours,
                                 const at::Tensor& reference);

}  // namespace testing
}  // namespace relulab
