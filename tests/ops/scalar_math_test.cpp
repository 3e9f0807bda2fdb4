// The scalar maths in src/ops/math/ (what the CUDA kernels compute) against
// the CPU kernels, in float64, so the two backends cannot drift apart.

#include <gtest/gtest.h>

#include "ops/cpu/kernels.h"
#include "ops/math/elu.h"
#include "ops/math/gelu.h"
#include "ops/math/leaky_relu.h"
#include "ops/math/relu.h"
#include "ops/math/sigmoid.h"
#include "ops/math/silu.h"
#include "ops/math/tanh.h"

#include <cmath>
#include <vector>

namespace relulab {
namespace {

using cpu::Pointwise;

std::vector<double> inputs() {
  std::vector<double> x;
  for (int i = -4000; i <= 4000; ++i) x.push_back(i * 0.005);  // [-20, 20]
  return x;
}

template <typename Functor>
void expect_same(Pointwise op, const cpu::PointwiseParams& params, const Functor& f, const char* name) {
  const auto x = inputs();
  const int64_t n = static_cast<int64_t>(x.size());
  std::vector<double> y(n), g(n, 0.75), gi(n);
  cpu::pointwise_forward<double>(op, params, x.data(), y.data(), n);
  // Backward reads the output for relu, sigmoid and tanh, the input otherwise.
  const bool reads_output = op == Pointwise::kRelu || op == Pointwise::kSigmoid || op == Pointwise::kTanh;
  cpu::pointwise_backward<double>(op, params, g.data(), reads_output ? y.data() : x.data(), gi.data(), n);
  for (int64_t i = 0; i < n; ++i) {
    const double fy = f.forward(x[i]);
    const double fg = f.backward(0.75, reads_output ? fy : x[i]);
    ASSERT_NEAR(y[i], fy, 1e-12 * std::abs(fy) + 1e-15) << name << " forward at " << x[i];
    ASSERT_NEAR(gi[i], fg, 1e-11 * std::abs(fg) + 1e-14) << name << " backward at " << x[i];
  }
}

TEST(ScalarMathTest, MatchesTheCpuKernelsInFloat64) {
  cpu::PointwiseParams p;
  expect_same(Pointwise::kRelu, p, math::Relu<double>{}, "relu");
  p.negative_slope = 0.2;
  expect_same(Pointwise::kLeakyRelu, p, math::LeakyRelu<double>{0.2}, "leaky_relu");
  expect_same(Pointwise::kGelu, p, math::GeluErf<double>{}, "gelu");
  expect_same(Pointwise::kGeluTanh, p, math::GeluTanh<double>{}, "gelu_tanh");
  expect_same(Pointwise::kSigmoid, p, math::Sigmoid<double>{}, "sigmoid");
  expect_same(Pointwise::kTanh, p, math::Tanh<double>{}, "tanh");
  p.alpha = 1.3;
  p.scale = 1.1;
  p.input_scale = 0.7;
  expect_same(Pointwise::kElu, p, math::Elu<double>{1.3, 1.1, 0.7}, "elu");
  expect_same(Pointwise::kSilu, p, math::Silu<double>{}, "silu");
}

}  // namespace
}  // namespace relulab
