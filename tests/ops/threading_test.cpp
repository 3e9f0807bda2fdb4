// Results do not depend on the number of intra-op threads: element-wise ops
// trivially, PReLU's weight gradient by its fixed reduction chunks.

#include <gtest/gtest.h>

#include "ops/cpu/launch.h"
#include "relulab/relulab.h"
#include "support/op_cases.h"

namespace relulab {
namespace {

struct ThreadCount {
  explicit ThreadCount(int n) : saved_(at::get_num_threads()) { at::set_num_threads(n); }
  ~ThreadCount() { at::set_num_threads(saved_); }
  int saved_;
};

std::vector<at::Tensor> run_all(const at::Tensor& x, const at::Tensor& grad) {
  std::vector<at::Tensor> results;
  for (const auto& op : testing::all_op_cases(x.size(1))) {
    const auto xi = x.detach().clone().requires_grad_(true);
    const auto y = op.ours(xi);
    y.backward(grad);
    results.push_back(y.detach());
    results.push_back(xi.grad());
  }
  const auto w = torch::full({x.size(1)}, 0.25).requires_grad_(true);
  ops::prelu(x, w).backward(grad);
  results.push_back(w.grad());
  return results;
}

// Without it the test below compares one thread with one thread: the
// launchers were built without OpenMP for a long time and it passed
// (Note [Intra-op threads]).
TEST(ThreadingTest, TwoThreadsTakePartInTheLaunchers) {
#ifndef _OPENMP
  GTEST_SKIP() << "built with RELULAB_OPENMP=OFF: the kernels run on the calling thread";
#endif
  {
    ThreadCount threads(2);
    EXPECT_EQ(cpu::intra_op_threads_used(1 << 20), 2);
    EXPECT_EQ(cpu::intra_op_threads_used(1000), 1);  // under one grain: the calling thread
  }
  ThreadCount threads(1);
  EXPECT_EQ(cpu::intra_op_threads_used(1 << 20), 1);
}

TEST(ThreadingTest, ResultsAreBitIdenticalForOneAndTwoThreads) {
  torch::manual_seed(6);
  // 4 * 16 * 64 * 64 = 262144 elements: several parallel tasks and chunks.
  const auto x = torch::randn({4, 16, 64, 64});
  const auto grad = torch::randn_like(x);
  std::vector<at::Tensor> one, two;
  {
    ThreadCount threads(1);
    one = run_all(x, grad);
  }
  {
    ThreadCount threads(2);
    two = run_all(x, grad);
  }
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_TRUE(testing::bitwise_equal(one[i], two[i]));
  }
}

}  // namespace
}  // namespace relulab
