// Special values, degenerate shapes and bad arguments behave as LibTorch's
// built-ins do (or fail with an actionable message).

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <ostream>

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
  std::vector<double> v = {
      0.0,  -0.0, nan,   inf,  -inf,  tiny, -tiny, big, -big, edge, -edge, 1.0,
      -1.0, 1e-3, -1e-3, 20.0, -20.0, 88.0, -88.0, 3.0, -3.0, 6.0,  -6.0};  // hardswish's kinks
  // Repeat so that special values land both in full vectors and in the tail.
  std::vector<double> all;
  for (int r = 0; r < 3; ++r) all.insert(all.end(), v.begin(), v.end());
  return torch::tensor(all, torch::TensorOptions().dtype(at::kDouble)).to(dtype);
}

// Note [LibTorch versions disagree]
// On special values LibTorch's own kernels differ between releases and
// between dtypes. relulab follows LibTorch 2.x and the float64 value:
//   - gelu(-0.0) = -0.0 (1.13's float32 kernel gives +0.0, its float64 -0.0);
//   - elu/selu(-0.0) = -0.0, i.e. alpha * expm1(-0.0) (1.13: +0.0);
//   - gelu(+inf) = +inf in float32 (2.11's vectorised float32 kernel gives
//     NaN where its own float64 kernel gives +inf: a LibTorch bug).
//   - hardswish's gradient at x = -3 and 3 takes the outer branch (0 and
//     grad: LibTorch 2.x, CPU and CUDA); 1.13's CPU kernel took the middle
//     one (-grad / 2 and 3 grad / 2).
// So every element must match LibTorch's result in the same dtype or, where
// that differs, LibTorch's float64 result; on LibTorch 1.x the ELU and
// hardswish rows above are excused.
struct ElementCheck {
  const OpCase& op;
  bool forward;
  // Subnormal outputs are compared as zero: LibTorch's vector exp flushes
  // some of them and not others.
  static double flushed(double v, at::ScalarType dtype) {
    const double tiny = dtype == at::kFloat ? 1.2e-38 : 2.3e-308;
    return std::abs(v) < tiny ? 0.0 : v;
  }
  bool matches(double ours, double theirs, double input, at::ScalarType dtype) const {
    ours = flushed(ours, dtype);
    theirs = flushed(theirs, dtype);
    if (std::isnan(ours) || std::isnan(theirs)) return std::isnan(ours) && std::isnan(theirs);
    if (std::isinf(ours) || std::isinf(theirs)) return ours == theirs;
    // Signed zeros: -0.0 in, the same signed zero out.
    if (input == 0 && ours == 0 && theirs == 0) return std::signbit(ours) == std::signbit(theirs);
    if (op.agreement == testing::Agreement::kBitwise) return ours == theirs;
    const auto tol = testing::tolerance_for(dtype);
    return std::abs(ours - theirs) <= tol.rtol * std::abs(theirs) + tol.atol;
  }
  bool excused_on_libtorch_1(double input) const {
#if TORCH_VERSION_MAJOR < 2
    const bool elu = op.name.rfind("elu", 0) == 0 || op.name.rfind("selu", 0) == 0;
    const bool hardswish_kink = op.name.rfind("hardswish", 0) == 0 && std::abs(input) == 3;
    return (elu && forward && input == 0 && std::signbit(input)) || (hardswish_kink && !forward);
#else
    (void)input;
    return false;
#endif
  }
  ::testing::AssertionResult operator()(const at::Tensor& x, const at::Tensor& ours,
                                        const at::Tensor& same_dtype,
                                        const at::Tensor& float64) const {
    const auto in = x.to(at::kDouble).contiguous(), o = ours.to(at::kDouble).contiguous(),
               s = same_dtype.to(at::kDouble).contiguous(),
               w = float64.to(at::kDouble).contiguous();
    for (int64_t i = 0; i < in.numel(); ++i) {
      const double xi = in[i].item<double>(), oi = o[i].item<double>();
      if (matches(oi, s[i].item<double>(), xi, x.scalar_type()) ||
          matches(oi, w[i].item<double>(), xi, x.scalar_type()) || excused_on_libtorch_1(xi)) {
        continue;
      }
      return ::testing::AssertionFailure()
             << (forward ? "forward" : "gradient") << " at x = " << xi << ": ours " << oi
             << ", LibTorch " << s[i].item<double>() << " (float64: " << w[i].item<double>() << ")";
    }
    return ::testing::AssertionSuccess();
  }
};

// Note [Special values on the GPU]
// The CUDA kernels follow the same rule as the CPU ones: each element matches
// LibTorch's own kernel on that device in that dtype (its CUDA kernel on the
// GPU), or else LibTorch's float64 value on the CPU, the reference the CPU
// rule already falls back to. LibTorch's CUDA and CPU kernels disagree on
// some special values (by PyTorch's source, ELU's CUDA gradient at NaN is
// grad * scale, not NaN), so "same as our CPU kernel" would not say which of
// them the GPU follows. Run by scripts/gpu/check (the *Cuda* tests); skipped
// where LibTorch sees no GPU.
struct EdgeCaseParam {
  at::ScalarType dtype;
  at::DeviceType device;
};
// How gtest (and ctest's test list) shows a parameter, instead of its bytes.
void PrintTo(const EdgeCaseParam& p, std::ostream* os) {
  *os << c10::toString(p.dtype) << " on " << (p.device == at::kCUDA ? "CUDA" : "CPU");
}

class EdgeCaseTest : public ::testing::TestWithParam<EdgeCaseParam> {
 protected:
  void SetUp() override {
    if (GetParam().device == at::kCUDA && !torch::cuda::is_available()) {
      GTEST_SKIP() << "no CUDA device";
    }
  }
  at::ScalarType dtype() const { return GetParam().dtype; }
  at::Tensor on_device(const at::Tensor& t) const { return t.to(GetParam().device); }
};

TEST_P(EdgeCaseTest, SpecialValuesMatchLibTorch) {
  const auto x_cpu = special_values(dtype());
  const auto x = on_device(x_cpu);
  for (const OpCase& op : all_op_cases(/*channels=*/1)) {
    SCOPED_TRACE(op.name);
    EXPECT_TRUE((ElementCheck{op, /*forward=*/true}(x_cpu, op.ours(x).cpu(), op.reference(x).cpu(),
                                                    op.reference(x_cpu.to(at::kDouble)))));
  }
}

TEST_P(EdgeCaseTest, SpecialValuesBackwardMatchesLibTorch) {
  const auto base = special_values(dtype());
  for (const OpCase& op : all_op_cases(/*channels=*/1)) {
    SCOPED_TRACE(op.name);
    const auto gradient = [&](const auto& f, const at::Tensor& input) {
      const auto x = input.detach().clone().requires_grad_(true);
      f(x).backward(torch::ones_like(x));
      return x.grad().cpu();
    };
    EXPECT_TRUE((ElementCheck{op, /*forward=*/false}(
        base, gradient(op.ours, on_device(base)), gradient(op.reference, on_device(base)),
        gradient(op.reference, base.to(at::kDouble)))));
  }
}

TEST_P(EdgeCaseTest, EmptyAndZeroDimTensorsWork) {
  const auto opts = torch::TensorOptions().dtype(dtype()).device(GetParam().device);
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

INSTANTIATE_TEST_SUITE_P(DtypesAndDevices, EdgeCaseTest,
                         ::testing::Values(EdgeCaseParam{at::kFloat, at::kCPU},
                                           EdgeCaseParam{at::kDouble, at::kCPU},
                                           EdgeCaseParam{at::kFloat, at::kCUDA},
                                           EdgeCaseParam{at::kDouble, at::kCUDA}),
                         [](const auto& info) {
                           return std::string(c10::toString(info.param.dtype)) + "_" +
                                  (info.param.device == at::kCUDA ? "Cuda" : "Cpu");
                         });

TEST(OpErrorTest, UnsupportedDtypeSaysWhatToDo) {
  const auto x = torch::randn({4}).to(at::kHalf);
  EXPECT_THROW(
      {
        try {
          ops::relu(x);
        } catch (const c10::Error& e) {
          EXPECT_NE(
              std::string(e.what()).find("expected self to be float32 or float64, but got Half"),
              std::string::npos)
              << e.what();
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
              std::string::npos)
        << e.what();
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
    EXPECT_NE(
        std::string(e.what()).find("approximate must be \"none\" or \"tanh\", but got \"fast\""),
        std::string::npos)
        << e.what();
  }
  try {
    ops::rrelu(x, 0.5, 0.1, /*training=*/true);
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected lower <= upper, but got lower=0.5"),
              std::string::npos)
        << e.what();
  }
}

TEST(OpErrorTest, BackwardChecksShapes) {
  EXPECT_THROW(ops::relu_backward(torch::ones({3}), torch::ones({4})), c10::Error);
  EXPECT_THROW(ops::sigmoid_backward(torch::ones({3}), torch::ones({3}, at::kDouble)), c10::Error);
}

}  // namespace
}  // namespace relulab
