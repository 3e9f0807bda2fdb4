// The operator table and comparison helpers of op_cases.h.

#include <gtest/gtest.h>

#include "support/op_cases.h"

#include "relulab/relulab.h"

#include <ATen/core/dispatch/Dispatcher.h>

namespace relulab {
namespace testing {

namespace F = torch::nn::functional;

Tolerance tolerance_for(at::ScalarType dtype) {
  return dtype == at::kFloat ? Tolerance{1e-6, 3e-6} : Tolerance{1e-10, 1e-14};
}

namespace {

// Calls operator `qualified_name` (relulab::softplus, aten::softplus) with x
// and the scalars, through the dispatcher: relulab's operators mirror ATen's
// schemas, so the same call serves both.
at::Tensor call_operator(const std::string& qualified_name, const at::Tensor& x,
                         const std::vector<double>& scalars) {
  const auto op = c10::Dispatcher::singleton().findSchemaOrThrow(qualified_name.c_str(), "");
  torch::jit::Stack stack{x};
  for (const double v : scalars) stack.emplace_back(v);
  op.callBoxed(&stack);
  return stack.at(0).toTensor();
}

std::string with_scalars(const activations::Param* params, const std::vector<double>& values) {
  std::string text = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    text += (i ? ", " : "") + std::string(params[i].name) + "=" + c10::str(values[i]);
  }
  return text + ")";
}

// Each registry activation at its defaults and at other scalars (so a kernel
// that ignores one fails), against the ATen op of the same name.
void add_registry_cases(std::vector<OpCase>& cases) {
  activations::for_each_activation([&cases](auto activation) {
    using A = decltype(activation);
    std::vector<double> defaults, varied;
    for (size_t i = 0; i < A::num_params; ++i) {
      defaults.push_back(A::params[i].default_value);
      varied.push_back(A::params[i].default_value * 0.7 + 0.1 * static_cast<double>(i + 1));
    }
    const auto agreement = A::agreement == activations::Agreement::Bitwise ? Agreement::kBitwise
                                                                           : Agreement::kTolerance;
    const bool kink = A::kink == activations::Kink::KinkAtZero;
    for (const auto& scalars : {defaults, varied}) {
      const std::string name = A::name;
      cases.push_back({name + (scalars.empty() ? "" : with_scalars(A::params.data(), scalars)),
                       agreement,
                       [name, scalars](const at::Tensor& x) {
                         return call_operator("relulab::" + name, x, scalars);
                       },
                       [name, scalars](const at::Tensor& x) {
                         return call_operator("aten::" + name, x, scalars);
                       },
                       kink});
      if (scalars.empty()) break;  // no scalars to vary
    }
  });
}

}  // namespace

std::vector<OpCase> all_op_cases(int64_t channels) {
  // Deterministic, distinct slopes; some negative, as learned slopes can be.
  auto slopes = [](int64_t n, const at::Tensor& like) {
    return torch::linspace(-0.3, 0.7, n, like.options().requires_grad(false))
        .requires_grad_(like.requires_grad());
  };
  std::vector<OpCase> cases = {
      {"gelu", Agreement::kTolerance, [](const at::Tensor& x) { return ops::gelu(x); },
       [](const at::Tensor& x) { return torch::gelu(x); }, false},
      {"gelu(tanh)", Agreement::kTolerance,
       [](const at::Tensor& x) { return ops::gelu(x, "tanh"); },
       [](const at::Tensor& x) { return torch::gelu(x, "tanh"); }, false},
      {"rrelu(eval)", Agreement::kBitwise,
       [](const at::Tensor& x) { return ops::rrelu(x, 0.1, 0.3, /*training=*/false); },
       [](const at::Tensor& x) { return torch::rrelu(x, 0.1, 0.3, /*training=*/false); }, true},
  };
  add_registry_cases(cases);
  // PReLU with one shared slope, and with one per channel.
  cases.push_back({"prelu(shared)", Agreement::kBitwise,
                   [slopes](const at::Tensor& x) { return ops::prelu(x, slopes(1, x) + 0.55); },
                   [slopes](const at::Tensor& x) { return torch::prelu(x, slopes(1, x) + 0.55); },
                   true});
  cases.push_back(
      {"prelu(per-channel)", Agreement::kBitwise,
       [slopes, channels](const at::Tensor& x) { return ops::prelu(x, slopes(channels, x)); },
       [slopes, channels](const at::Tensor& x) { return torch::prelu(x, slopes(channels, x)); },
       true});
  return cases;
}

::testing::AssertionResult bitwise_equal(const at::Tensor& a, const at::Tensor& b) {
  if (a.sizes() != b.sizes() || a.scalar_type() != b.scalar_type()) {
    return ::testing::AssertionFailure()
           << "shape/dtype differ: " << a.sizes() << " " << a.scalar_type() << " vs " << b.sizes()
           << " " << b.scalar_type();
  }
  const auto nan_a = torch::isnan(a);
  if (!torch::equal(nan_a, torch::isnan(b))) {
    return ::testing::AssertionFailure() << "NaN positions differ";
  }
  // The same-width integer type, so that -0.0 != +0.0 and every bit counts.
  const auto bits = a.element_size() == 2   ? at::kShort
                    : a.element_size() == 4 ? at::kInt
                                            : at::kLong;
  const auto ia = a.contiguous().view(bits).masked_fill(nan_a.contiguous(), 0);
  const auto ib = b.contiguous().view(bits).masked_fill(nan_a.contiguous(), 0);
  const auto differ = ia.ne(ib);
  if (differ.any().item<bool>()) {
    const auto idx = differ.flatten().nonzero()[0].item<int64_t>();
    return ::testing::AssertionFailure()
           << differ.sum().item<int64_t>() << " of " << a.numel()
           << " elements differ in their bits; first at flat index " << idx << ": "
           << a.contiguous().flatten()[idx].item<double>() << " vs "
           << b.contiguous().flatten()[idx].item<double>();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult close(const at::Tensor& a, const at::Tensor& b, Tolerance tol) {
  if (a.sizes() != b.sizes() || a.scalar_type() != b.scalar_type()) {
    return ::testing::AssertionFailure() << "shape/dtype differ";
  }
  if (!torch::equal(torch::isnan(a), torch::isnan(b))) {
    return ::testing::AssertionFailure() << "NaN positions differ";
  }
  const auto finite = torch::isfinite(b);
  if (!torch::equal(a.masked_select(~finite & ~torch::isnan(b)),
                    b.masked_select(~finite & ~torch::isnan(b)))) {
    return ::testing::AssertionFailure() << "infinities differ";
  }
  const auto ad = a.to(at::kDouble).masked_select(finite);
  const auto bd = b.to(at::kDouble).masked_select(finite);
  const auto excess = (ad - bd).abs() - (tol.rtol * bd.abs() + tol.atol);
  if (excess.numel() && excess.max().item<double>() > 0) {
    const auto i = excess.argmax().item<int64_t>();
    return ::testing::AssertionFailure()
           << (excess > 0).sum().item<int64_t>() << " of " << a.numel()
           << " elements out of tolerance (rtol=" << tol.rtol << ", atol=" << tol.atol
           << "); worst: " << ad[i].item<double>() << " vs " << bd[i].item<double>();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult agree(const OpCase& op, const at::Tensor& ours,
                                 const at::Tensor& reference) {
  return op.agreement == Agreement::kBitwise
             ? bitwise_equal(ours, reference)
             : close(ours, reference, tolerance_for(reference.scalar_type()));
}

}  // namespace testing
}  // namespace relulab
