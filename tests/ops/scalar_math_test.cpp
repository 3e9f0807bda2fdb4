// The scalar maths in src/ops/math/ (what the CUDA kernels compute) against
// the CPU kernels, in float64, so the two backends cannot drift apart.

#include <gtest/gtest.h>

#include "ops/cpu/kernels.h"
#include "ops/math/all_scalar_math.h"  // generated: every ops/math/*.h

#include <cmath>
#include <vector>

namespace relulab {
namespace {

using cpu::Pointwise;

// The scalar functor of each registry activation.
template <class Activation>
struct ScalarFunctorOf;
#define RELULAB_SCALAR_FUNCTOR(Module, op, Kernel, ...) \
  template <>                                           \
  struct ScalarFunctorOf<activations::Module> {         \
    using type = math::Kernel<double>;                  \
  };
RELULAB_ACTIVATIONS(RELULAB_SCALAR_FUNCTOR)
#undef RELULAB_SCALAR_FUNCTOR

std::vector<double> inputs() {
  std::vector<double> x;
  for (int i = -4000; i <= 4000; ++i) x.push_back(i * 0.005);  // [-20, 20]
  return x;
}

template <typename Functor>
void expect_same(Pointwise op, const cpu::PointwiseParams& params, bool reads_output,
                 const Functor& f, const char* name) {
  const auto x = inputs();
  const int64_t n = static_cast<int64_t>(x.size());
  std::vector<double> y(n), g(n, 0.75), gi(n);
  cpu::pointwise_forward<double>(op, params, x.data(), y.data(), n);
  cpu::pointwise_backward<double>(op, params, g.data(), reads_output ? y.data() : x.data(),
                                  gi.data(), n);
  for (int64_t i = 0; i < n; ++i) {
    const double fy = f.forward(x[i]);
    const double fg = f.backward(0.75, reads_output ? fy : x[i]);
    ASSERT_NEAR(y[i], fy, 1e-12 * std::abs(fy) + 1e-15) << name << " forward at " << x[i];
    ASSERT_NEAR(gi[i], fg, 1e-11 * std::abs(fg) + 1e-14) << name << " backward at " << x[i];
  }
}

// Parameters away from the defaults, so a functor that ignores one fails.
cpu::PointwiseParams varied(const activations::Param* params, std::size_t count) {
  cpu::PointwiseParams p;
  for (std::size_t i = 0; i < count; ++i)
    p.values[i] = params[i].default_value * 0.7 + 0.1 * (i + 1);
  return p;
}

TEST(ScalarMathTest, EveryRegistryKernelMatchesItsCpuKernelInFloat64) {
  int checked = 0;
  activations::for_each_activation([&](auto activation) {
    using A = decltype(activation);
    const cpu::PointwiseParams p = varied(A::params.data(), A::num_params);
    using Functor = typename ScalarFunctorOf<A>::type;
    expect_same(A::kernel, p, A::saves == activations::Saves::Output,
                activations::make_functor<Functor, double, A::num_params>(p), A::name);
    ++checked;
  });
  EXPECT_GT(checked, 0);
}

TEST(ScalarMathTest, GeluKernelsMatchTheirCpuKernelsInFloat64) {
  expect_same(Pointwise::kGeluErf, {}, false, math::GeluErf<double>{}, "gelu");
  expect_same(Pointwise::kGeluTanh, {}, false, math::GeluTanh<double>{}, "gelu_tanh");
}

}  // namespace
}  // namespace relulab
