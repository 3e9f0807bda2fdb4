// A double-precision gradient check, as torch.autograd.gradcheck does it
// (which LibTorch's C++ API lacks): full Jacobians by central differences
// (eps = 1e-6) against one backward per output, atol = 1e-5, rtol = 1e-3.
#pragma once

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <vector>

namespace relulab {
namespace testing {

using Fn = std::function<at::Tensor(const std::vector<at::Tensor>&)>;

::testing::AssertionResult gradcheck(const Fn& f, std::vector<at::Tensor> inputs);

}  // namespace testing
}  // namespace relulab
