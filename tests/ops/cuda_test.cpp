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

TEST_P(CudaTest, PReLUWeightGradientIsDeterministic) {
  const auto x = torch::randn({32, 16, 64, 64}).to(GetParam()).to(torch::kCUDA);
  const auto g = torch::randn_like(x);
  const auto w = torch::full({16}, 0.25).to(GetParam()).to(torch::kCUDA);
  const auto a = std::get<1>(ops::prelu_backward(g, x, w));
  const auto b = std::get<1>(ops::prelu_backward(g, x, w));
  EXPECT_TRUE(torch::equal(a, b));
}

INSTANTIATE_TEST_SUITE_P(Dtypes, CudaTest,
                         ::testing::Values(at::kFloat, at::kDouble, at::kHalf, at::kBFloat16),
                         [](const auto& info) { return std::string(c10::toString(info.param)); });

}  // namespace
}  // namespace relulab
