// Forward and backward of every relulab operator against LibTorch's own op,
// over dtypes, sizes (vector tails, multi-chunk) and memory layouts.

#include <gtest/gtest.h>

#include "relulab/relulab.h"
#include "support/op_cases.h"

namespace relulab {
namespace {

using testing::all_op_cases;
using testing::OpCase;

constexpr int64_t kChannels = 5;

// Shapes (N, C, ...) with C == kChannels: tiny, a vector tail, inner == 1,
// and one large enough to be split across threads and reduction chunks.
std::vector<std::vector<int64_t>> shapes() {
  return {{1, kChannels},
          {3, kChannels, 7},
          {2, kChannels, 3, 3},
          {64, kChannels, 29, 31},
          {4096, kChannels}};
}

at::Tensor sample(const std::vector<int64_t>& shape, at::ScalarType dtype) {
  auto x = torch::randn(shape, torch::TensorOptions().dtype(dtype)) * 4;
  // Exact zeros: the kink of the ReLU family, where conventions must match.
  x.flatten().slice(0, 0, x.numel(), 7).zero_();
  return x;
}

// The layouts relulab must handle: as is, channels-last (dense, permuted),
// and a strided non-dense view.
std::vector<std::pair<std::string, at::Tensor>> layouts(const at::Tensor& base) {
  std::vector<std::pair<std::string, at::Tensor>> out = {{"contiguous", base}};
  if (base.dim() == 4) {
    out.emplace_back("channels_last", base.contiguous(at::MemoryFormat::ChannelsLast));
  }
  auto wide = torch::cat({base, base}, -1);
  out.emplace_back("strided", wide.slice(-1, 0, wide.size(-1), 2));
  return out;
}

class ParityTest : public ::testing::TestWithParam<at::ScalarType> {};

TEST_P(ParityTest, ForwardMatchesLibTorch) {
  torch::manual_seed(0);
  for (const OpCase& op : all_op_cases(kChannels)) {
    for (const auto& shape : shapes()) {
      for (const auto& [layout, x] : layouts(sample(shape, GetParam()))) {
        SCOPED_TRACE(op.name + " " + layout + " " + c10::str(x.sizes()));
        EXPECT_TRUE(testing::agree(op, op.ours(x), op.reference(x)));
      }
    }
  }
}

TEST_P(ParityTest, BackwardMatchesLibTorch) {
  torch::manual_seed(1);
  for (const OpCase& op : all_op_cases(kChannels)) {
    for (const auto& shape : shapes()) {
      for (const auto& [layout, base] : layouts(sample(shape, GetParam()))) {
        SCOPED_TRACE(op.name + " " + layout + " " + c10::str(base.sizes()));
        // |grad| <= 1 keeps the absolute tolerance meaningful; see Note [Parity tolerances].
        const auto grad = torch::rand_like(base) * 2 - 1;
        const auto x_ours = base.detach().clone().requires_grad_(true);
        const auto x_ref = base.detach().clone().requires_grad_(true);
        op.ours(x_ours).backward(grad);
        op.reference(x_ref).backward(grad);
        EXPECT_TRUE(testing::agree(op, x_ours.grad(), x_ref.grad()));
      }
    }
  }
}

// Element-wise ops keep a dense input's layout (as LibTorch's do, except its
// rrelu, which returns contiguous); PReLU returns contiguous like LibTorch's.
TEST_P(ParityTest, OutputKeepsLayoutOfDenseInput) {
  const auto x =
      sample({2, kChannels, 4, 4}, GetParam()).contiguous(at::MemoryFormat::ChannelsLast);
  for (const OpCase& op : all_op_cases(kChannels)) {
    SCOPED_TRACE(op.name);
    const bool prelu = op.name.rfind("prelu", 0) == 0;
    EXPECT_EQ(op.ours(x).strides(), prelu ? op.reference(x).strides() : x.strides());
  }
}

// Closeness to LibTorch is only half the story: against the float64 truth,
// our float32 transcendental kernels must be about as accurate as LibTorch's.
TEST(AccuracyTest, Float32ErrorIsNoWorseThanLibTorchs) {
  const auto x = torch::linspace(-30, 30, 600001);
  const auto grad = torch::ones_like(x);
  for (const OpCase& op : all_op_cases(/*channels=*/1)) {
    if (op.agreement == testing::Agreement::kBitwise) continue;
    SCOPED_TRACE(op.name);
    const auto x64 = x.to(at::kDouble).requires_grad_(true);
    const auto truth = op.reference(x64);
    truth.backward(grad.to(at::kDouble));
    const auto x_ours = x.clone().requires_grad_(true);
    const auto x_ref = x.clone().requires_grad_(true);
    const auto ours = op.ours(x_ours);
    const auto ref = op.reference(x_ref);
    ours.backward(grad);
    ref.backward(grad);
    const auto error = [](const at::Tensor& a, const at::Tensor& b) {
      return (a.to(at::kDouble) - b.detach()).abs().max().item<double>();
    };
    EXPECT_LE(error(ours, truth), 1.5 * error(ref, truth) + 1e-7);
    EXPECT_LE(error(x_ours.grad(), x64.grad()), 1.5 * error(x_ref.grad(), x64.grad()) + 1e-7);
  }
}

INSTANTIATE_TEST_SUITE_P(Dtypes, ParityTest, ::testing::Values(at::kFloat, at::kDouble),
                         [](const auto& info) { return std::string(c10::toString(info.param)); });

// The weight gradient is a reduction whose order differs from LibTorch's, so
// it agrees to rounding, not bitwise: float32 sums over up to 10^6 elements.
TEST(PReLUTest, WeightGradientMatchesLibTorch) {
  torch::manual_seed(2);
  for (auto dtype : {at::kFloat, at::kDouble}) {
    for (const auto& shape : shapes()) {
      for (int64_t slopes : {int64_t{1}, kChannels}) {
        SCOPED_TRACE(c10::str(dtype, " ", shape, " slopes=", slopes));
        const auto x = sample(shape, dtype);
        const auto grad = torch::randn_like(x);
        auto w_ours = torch::linspace(-0.2, 0.6, slopes, x.options()).requires_grad_(true);
        auto w_ref = w_ours.detach().clone().requires_grad_(true);
        ops::prelu(x, w_ours).backward(grad);
        torch::prelu(x, w_ref).backward(grad);
        // Relative to the sum of |terms|, the scale of rounding in any order.
        const auto scale = (x.clamp_max(0) * grad).abs().sum().item<double>();
        const double eps = dtype == at::kFloat ? 1e-6 : 1e-14;
        EXPECT_LE((w_ours.grad() - w_ref.grad()).abs().max().item<double>(), eps * scale + 1e-30);
      }
    }
  }
}

}  // namespace
}  // namespace relulab
