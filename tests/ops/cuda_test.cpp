// relulab's CUDA kernels against its CPU kernels and against LibTorch's own
// CUDA ops, for every op and dtype. Skipped where LibTorch sees no GPU (the
// GPU machine runs them through scripts/gpu/check).

#include <gtest/gtest.h>

#include "relulab/relulab.h"
#include "support/op_cases.h"

namespace relulab {
namespace {

using testing::all_op_cases;

class CudaTest : public ::testing::TestWithParam<at::ScalarType> {
 protected:
  void SetUp() override {
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  }
  // LibTorch's CUDA hardswish multiplies by 1/6 rounded to float even in
  // float64 (ActivationHardswishKernel.cu: `opmath_t one_sixth(1.0f / 6.0f)`):
  // relative errors up to 3e-8 (seen on an H200: 15.331696013560759 where the
  // exact value, ours and LibTorch's CPU one, is 15.331695556640625).
  testing::Tolerance libtorch_cuda_forward_tolerance(const std::string& op_name) const {
    auto t = tolerance();
    if (GetParam() == at::kDouble && op_name.rfind("hardswish", 0) == 0) t.rtol = 1e-7;
    return t;
  }
  // 16-bit types compute in float but round at every op: compare loosely.
  testing::Tolerance tolerance() const {
    switch (GetParam()) {
      case at::kHalf:
        return {2e-3, 2e-3};
      case at::kBFloat16:
        return {1.6e-2, 1e-2};
      default:
        return testing::tolerance_for(GetParam());
    }
  }
};

TEST_P(CudaTest, ForwardAndBackwardMatchCpuAndLibTorchCuda) {
  torch::manual_seed(0);
  const int64_t channels = 5;
  for (const auto& op : all_op_cases(channels)) {
    SCOPED_TRACE(op.name);
    const auto base = (torch::randn({64, channels, 33}) * 4).to(GetParam());
    const auto grad = torch::rand_like(base, torch::kFloat).to(GetParam()) * 2 - 1;
    auto x_gpu = base.to(torch::kCUDA).requires_grad_(true);
    auto x_ref = base.to(torch::kCUDA).requires_grad_(true);
    const auto y_gpu = op.ours(x_gpu);
    const auto y_ref = op.reference(x_ref);
    EXPECT_TRUE(testing::close(y_gpu.cpu().to(at::kDouble), y_ref.cpu().to(at::kDouble),
                               libtorch_cuda_forward_tolerance(op.name)));
    y_gpu.backward(grad.to(torch::kCUDA));
    y_ref.backward(grad.to(torch::kCUDA));
    EXPECT_TRUE(testing::close(x_gpu.grad().cpu().to(at::kDouble),
                               x_ref.grad().cpu().to(at::kDouble), tolerance()));
    if (GetParam() == at::kFloat || GetParam() == at::kDouble) {
      // Against relulab's own CPU kernels.
      EXPECT_TRUE(testing::agree(op, op.ours(base).to(GetParam()), y_gpu.detach().cpu()) ||
                  testing::close(op.ours(base), y_gpu.detach().cpu(), tolerance()));
    }
  }
}

// The PReLU kernels take different paths by layout (see Note [PReLU on the
// GPU], src/ops/cuda/prelu.cu): one shared slope (vectors plus a tail), rows
// that hold whole vectors, rows that do not (element by element), 2-D input
// after a Linear layer (inner == 1), a misaligned view, channels-last, empty.
// Each against the float64 truth computed on the CPU: output and input
// gradient within the dtype's rounding, the weight gradient within its
// accumulation error (float sums, scaled by the sum of |x * g| it adds up).
struct PreluCase {
  std::string name;
  std::vector<int64_t> shape;
  int64_t slopes;
  bool misaligned = false;
  bool channels_last = false;
};

void expect_prelu_matches_float64_truth(at::ScalarType dtype, torch::Device device) {
  const std::vector<PreluCase> cases = {
      {"shared, whole vectors", {8, 16, 32, 32}, 1},
      {"shared, odd length", {10001}, 1},
      {"shared, shorter than a vector", {3}, 1},
      {"channels, rows of whole vectors", {8, 16, 32, 32}, 16},
      {"channels, odd rows", {64, 5, 33}, 5},
      {"channels, 2-D after Linear", {300, 7}, 7},
      {"channels, rows of 8", {40, 6, 8}, 6},
      {"channels, misaligned view", {8, 16, 32, 32}, 16, /*misaligned=*/true},
      {"shared, misaligned view", {4097}, 1, /*misaligned=*/true},
      {"channels, channels-last", {4, 12, 9, 9}, 12, false, /*channels_last=*/true},
      {"channels, empty", {0, 4, 5}, 4},
  };
  const double output_eps = dtype == at::kDouble  ? 1e-15
                            : dtype == at::kFloat ? 2e-7
                            : dtype == at::kHalf  ? 1e-3
                                                  : 8e-3;
  // float16 products can fall below its smallest normal number (6e-5).
  const double subnormal_step = dtype == at::kHalf ? 1e-7 : 0.0;
  const double sum_eps = dtype == at::kDouble ? 1e-13 : 2e-6;
  torch::manual_seed(3);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const int64_t n = c10::multiply_integers(c.shape);
    // Values exactly representable in the dtype, so the truth is computed on
    // the very inputs the kernel sees.
    auto x = torch::randn({n + 1}).mul(3).to(dtype).to(at::kDouble);
    auto g = torch::randn({n + 1}).to(dtype).to(at::kDouble);
    x = (c.misaligned ? x.narrow(0, 1, n) : x.narrow(0, 0, n)).view(c.shape);
    g = (c.misaligned ? g.narrow(0, 1, n) : g.narrow(0, 0, n)).view(c.shape);
    const auto w = torch::rand({c.slopes}).sub(0.3).to(dtype).to(at::kDouble);
    // A misaligned view: one element into a copy on the device (moving a
    // view to the GPU would make an aligned tensor).
    auto to_gpu = [&](const at::Tensor& t) {
      auto on = t.to(dtype).flatten();
      if (c.misaligned) on = torch::cat({on.narrow(0, 0, 1), on});
      on = on.to(device);
      if (c.misaligned) on = on.narrow(0, 1, n);
      on = on.view(c.shape);
      return c.channels_last ? on.contiguous(at::MemoryFormat::ChannelsLast) : on;
    };
    const auto x_gpu = to_gpu(x), g_gpu = to_gpu(g);
    if (c.misaligned) {
      ASSERT_NE(reinterpret_cast<uintptr_t>(x_gpu.data_ptr()) % 16, 0u);
    }
    const auto w_gpu = w.to(dtype).to(device);

    // The float64 truth.
    std::vector<int64_t> w_shape(x.dim(), 1);
    if (c.slopes > 1) w_shape[1] = c.slopes;
    const auto w_b = w.view(w_shape);
    const auto positive = x.gt(0);
    const auto y_true = torch::where(positive, x, x * w_b);
    const auto gi_true = torch::where(positive, g, g * w_b);
    const auto terms = torch::where(positive, torch::zeros_like(x), x * g);
    std::vector<int64_t> reduce;
    for (int64_t d = 0; d < x.dim(); ++d)
      if (c.slopes == 1 || d != 1) reduce.push_back(d);
    auto gw_true = c.slopes == 1 ? terms.sum() : terms.sum(reduce);
    auto gw_scale = c.slopes == 1 ? terms.abs().sum() : terms.abs().sum(reduce);
    gw_true = gw_true.reshape({c.slopes});
    gw_scale = gw_scale.reshape({c.slopes});

    const auto y = ops::prelu(x_gpu, w_gpu).cpu().to(at::kDouble);
    const auto [gi_gpu, gw_gpu] = ops::prelu_backward(g_gpu, x_gpu, w_gpu);
    const auto gi = gi_gpu.cpu().to(at::kDouble);
    const auto gw = gw_gpu.cpu().to(at::kDouble);
    EXPECT_TRUE(testing::close(y, y_true, {output_eps, subnormal_step}));
    EXPECT_TRUE(testing::close(gi, gi_true, {output_eps, subnormal_step}));
    ASSERT_EQ(gw.sizes(), gw_true.sizes());
    const auto gw_error = (gw - gw_true).abs();
    const auto gw_allowed = gw_true.abs() * output_eps + gw_scale * sum_eps;
    EXPECT_TRUE(gw_error.le(gw_allowed).all().item<bool>()) << "weight gradient\n"
                                                            << gw << "\ntruth\n"
                                                            << gw_true;
  }
}

TEST_P(CudaTest, PReLUMatchesFloat64TruthOnEveryLayout) {
  expect_prelu_matches_float64_truth(GetParam(), torch::kCUDA);
}

// The same cases through the CPU kernels, on every machine: checks the
// check above where no GPU runs it.
TEST(PReLULayoutsTest, CpuKernelsMatchFloat64Truth) {
  for (const auto dtype : {at::kFloat, at::kDouble}) {  // the CPU kernels' dtypes
    SCOPED_TRACE(c10::toString(dtype));
    expect_prelu_matches_float64_truth(dtype, torch::kCPU);
  }
}

TEST_P(CudaTest, PReLUWeightGradientIsDeterministic) {
  const auto x = torch::randn({32, 16, 64, 64}).to(GetParam()).to(torch::kCUDA);
  const auto g = torch::randn_like(x);
  for (const int64_t slopes : {16, 1}) {
    SCOPED_TRACE(slopes);
    const auto w = torch::full({slopes}, 0.25).to(GetParam()).to(torch::kCUDA);
    const auto a = std::get<1>(ops::prelu_backward(g, x, w));
    const auto b = std::get<1>(ops::prelu_backward(g, x, w));
    EXPECT_TRUE(torch::equal(a, b));
  }
}

INSTANTIATE_TEST_SUITE_P(Dtypes, CudaTest,
                         ::testing::Values(at::kFloat, at::kDouble, at::kHalf, at::kBFloat16),
                         [](const auto& info) { return std::string(c10::toString(info.param)); });

}  // namespace
}  // namespace relulab
