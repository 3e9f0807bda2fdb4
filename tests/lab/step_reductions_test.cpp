// The per-step reductions' loops against hand-built answers and against the
// ATen expressions they replace (Note [Per-step reductions]).

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "lab/stats/step_reductions.h"
#include "lab/stats/unit_stats.h"

namespace relulab {
namespace lab {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

TEST(StepReductionsTest, L2NormOfKnownVectors) {
  EXPECT_DOUBLE_EQ(l2_norm(torch::tensor({3.0f, -4.0f})), 5.0);
  EXPECT_DOUBLE_EQ(l2_norm(torch::zeros({0})), 0.0);
  // 1e6 ones: a float32 running sum would stall at 2^24; blocks do not.
  EXPECT_DOUBLE_EQ(l2_norm(torch::ones({1000, 1000})), 1000.0);
  // 17 elements: one full group of 16 lanes and a tail.
  EXPECT_DOUBLE_EQ(l2_norm(torch::full({17}, 2.0f)), std::sqrt(68.0));
}

TEST(StepReductionsTest, L2NormAgreesWithATenInEveryLayout) {
  torch::manual_seed(3);
  const auto w = torch::randn({784, 256});
  const double reference = w.to(torch::kDouble).norm().item<double>();
  EXPECT_NEAR(l2_norm(w), reference, 1e-6 * reference);
  EXPECT_NEAR(l2_norm(w.t()), reference, 1e-6 * reference);  // a transposed gradient
  // A strided slice and a double tensor take the ATen expression.
  const auto every_other = w.slice(1, 0, 256, 2);
  EXPECT_EQ(l2_norm(every_other), every_other.norm().item<double>());
  const auto d = w.to(torch::kDouble);
  EXPECT_EQ(l2_norm(d), d.norm().item<double>());
}

TEST(StepReductionsTest, CountCorrectTakesTheFirstMaximumAndNaNAsLargest) {
  const auto logits = torch::tensor({{0.0f, 2.0f, 1.0f},       // argmax 1
                                     {5.0f, 5.0f, 1.0f},       // tie: first, 0
                                     {1.0f, kNaN, 9.0f},       // NaN wins: 1
                                     {kNaN, kNaN, 9.0f},       // first NaN: 0
                                     {-1.0f, -3.0f, -0.5f}});  // 2
  const auto labels = torch::tensor({1, 1, 1, 0, 0}, torch::kLong);
  EXPECT_EQ(count_correct(logits, labels), 3);
  EXPECT_EQ(count_correct(logits, labels),
            logits.argmax(1).eq(labels).sum().item<int64_t>());  // LibTorch's rule
}

TEST(StepReductionsTest, CountCorrectAgreesWithATenOnRandomTies) {
  torch::manual_seed(4);
  // Integer-valued logits: many ties.
  const auto logits = torch::randint(0, 4, {1000, 10}).to(torch::kFloat);
  const auto labels = torch::randint(0, 10, {1000}, torch::kLong);
  EXPECT_EQ(count_correct(logits, labels), logits.argmax(1).eq(labels).sum().item<int64_t>());
}

TEST(StepReductionsTest, OrEverPositiveMatchesAmaxRule) {
  // unit 0 positive once; unit 1 never; unit 2 positive but NaN in the same
  // batch (amax NaN, not > 0); unit 3 exactly zero.
  const auto batch = torch::tensor({{-1.0f, -2.0f, 3.0f, 0.0f}, {0.5f, -1.0f, kNaN, 0.0f}});
  auto seen = torch::zeros({4}, torch::kBool);
  or_ever_positive(batch, seen);
  EXPECT_TRUE(torch::equal(seen, torch::tensor({true, false, false, false})));
  EXPECT_TRUE(torch::equal(seen, ever_positive(batch)));
  // A later batch adds, never removes.
  or_ever_positive(torch::tensor({{-1.0f, -1.0f, 1.0f, -1.0f}}), seen);
  EXPECT_TRUE(torch::equal(seen, torch::tensor({true, false, true, false})));
  or_ever_positive(torch::full({1, 4}, -1.0f), seen);
  EXPECT_TRUE(torch::equal(seen, torch::tensor({true, false, true, false})));
}

TEST(StepReductionsTest, OrEverPositiveOfConvPreActivationsUsesChannels) {
  auto pre = -torch::ones({2, 3, 4, 4});
  pre.index_put_({1, 2, 3, 0}, 1.0f);
  auto seen = torch::zeros({3}, torch::kBool);
  or_ever_positive(pre, seen);
  EXPECT_TRUE(torch::equal(seen, torch::tensor({false, false, true})));
  // Channel 0: positive in one example, NaN in the other (amax NaN: not
  // positive); channel 1: only zeros and -0.0 (not > 0); channel 2: +inf.
  pre = -torch::ones({2, 3, 5, 7});
  pre.index_put_({0, 0, 4, 6}, 2.0f);
  pre.index_put_({1, 0, 0, 0}, kNaN);
  pre.index_put_({1, 1}, 0.0f);
  pre.index_put_({0, 1, 2, 2}, -0.0f);
  pre.index_put_({1, 2, 2, 3}, std::numeric_limits<float>::infinity());
  seen = torch::zeros({3}, torch::kBool);
  or_ever_positive(pre, seen);
  EXPECT_TRUE(torch::equal(seen, torch::tensor({false, false, true})));
  EXPECT_TRUE(torch::equal(seen, ever_positive(pre)));
  // A strided view takes the ATen expression, with the same answer.
  const auto channels_last = pre.contiguous(at::MemoryFormat::ChannelsLast);
  seen = torch::zeros({3}, torch::kBool);
  or_ever_positive(channels_last, seen);
  EXPECT_TRUE(torch::equal(seen, ever_positive(pre)));
}

TEST(StepReductionsTest, OrEverPositiveOfConvPreActivationsAgreesWithAten) {
  torch::manual_seed(6);
  for (const auto& sizes :
       std::vector<std::vector<int64_t>>{{8, 16, 28, 28}, {3, 5, 1, 9}, {4, 6, 3}}) {
    SCOPED_TRACE(::testing::Message() << at::IntArrayRef(sizes));
    auto pre = torch::randn(sizes) - 3.0;  // most planes never positive
    pre.view(-1).index_put_({torch::randint(pre.numel(), {3})}, kNaN);
    auto seen = torch::zeros({sizes[1]}, torch::kBool);
    or_ever_positive(pre, seen);
    EXPECT_TRUE(torch::equal(seen, ever_positive(pre)));
    // As in training: an autograd output (requires grad), as the CNN's are.
    const auto leaf = pre.clone().requires_grad_(true);
    seen = torch::zeros({sizes[1]}, torch::kBool);
    or_ever_positive(leaf * 1.0f, seen);
    EXPECT_TRUE(torch::equal(seen, ever_positive(pre)));
  }
}

TEST(StepReductionsTest, TrackerAgreesWithEverPositiveOverBatches) {
  torch::manual_seed(5);
  OnlineDeadTracker tracker;
  auto expected = torch::zeros({64}, torch::kBool);
  for (int step = 0; step < 20; ++step) {
    const auto pre = torch::randn({32, 64}) - 3.5;  // most units never positive
    tracker.observe(0, pre);
    expected.logical_or_(ever_positive(pre));
  }
  EXPECT_DOUBLE_EQ(tracker.dead_fraction(0),
                   1.0 - expected.to(torch::kDouble).mean().item<double>());
}

}  // namespace
}  // namespace lab
}  // namespace relulab
