#include "support/gradcheck.h"

namespace relulab {
namespace testing {
namespace {

constexpr double kEps = 1e-6;
constexpr double kAtol = 1e-5;
constexpr double kRtol = 1e-3;

}  // namespace

::testing::AssertionResult gradcheck(const Fn& f, std::vector<at::Tensor> inputs) {
  for (auto& t : inputs) t = t.detach().to(at::kDouble).requires_grad_(true);
  const auto out = f(inputs).detach();
  const int64_t n_out = out.numel();
  for (size_t k = 0; k < inputs.size(); ++k) {
    const int64_t n_in = inputs[k].numel();
    auto numerical = torch::zeros({n_in, n_out}, at::kDouble);
    auto analytical = torch::zeros({n_in, n_out}, at::kDouble);
    {
      torch::NoGradGuard no_grad;
      for (int64_t i = 0; i < n_in; ++i) {
        auto flat = inputs[k].view(-1);
        const double orig = flat[i].item<double>();
        flat[i] = orig + kEps;
        const auto plus = f(inputs).reshape(-1);
        flat[i] = orig - kEps;
        const auto minus = f(inputs).reshape(-1);
        flat[i] = orig;
        numerical[i] = (plus - minus) / (2 * kEps);
      }
    }
    for (int64_t j = 0; j < n_out; ++j) {
      const auto y = f(inputs).reshape(-1);
      const auto grads = torch::autograd::grad({y[j]}, {inputs[k]}, {}, /*retain_graph=*/false,
                                               /*create_graph=*/false, /*allow_unused=*/true);
      if (grads[0].defined()) analytical.select(1, j) = grads[0].reshape(-1);
    }
    const auto bad = ((analytical - numerical).abs() > kAtol + kRtol * numerical.abs());
    if (bad.any().item<bool>()) {
      return ::testing::AssertionFailure()
             << "Jacobian mismatch for input " << k << ":\nnumerical\n"
             << numerical << "\nanalytical\n"
             << analytical;
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace testing
}  // namespace relulab
