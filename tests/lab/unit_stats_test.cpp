// Unit statistics on hand-built layers whose answers are known.

#include <gtest/gtest.h>

#include "lab/stats/unit_stats.h"
#include "relulab/relulab.h"

namespace relulab {
namespace lab {
namespace {

// A linear layer y = W x + b over probe inputs x in [0, 1]^2 with units
// built to be dead (never positive), alive, or half-alive.
TEST(UnitStatsTest, DeadFractionCountsUnitsNeverPositive) {
  const auto x = torch::rand({500, 2});  // non-negative inputs
  // unit 0: -x0 - x1 - 0.1 < 0 always: dead.  unit 1: x0 + 0.1 > 0: alive.
  // unit 2: x0 - 0.5: positive for half the inputs: alive.  unit 3: -1: dead.
  const auto w = torch::tensor({{-1.0f, -1.0f}, {1.0f, 0.0f}, {1.0f, 0.0f}, {0.0f, 0.0f}});
  const auto b = torch::tensor({-0.1f, 0.1f, -0.5f, -1.0f});
  const auto pre = torch::addmm(b, x, w.t());
  EXPECT_DOUBLE_EQ(dead_fraction(pre), 0.5);
  // Exactly 0 is dead too (ReLU outputs 0 and passes no gradient).
  EXPECT_DOUBLE_EQ(dead_fraction(torch::zeros({10, 4})), 1.0);
  EXPECT_TRUE(torch::equal(ever_positive(pre), torch::tensor({false, true, true, false})));
}

TEST(UnitStatsTest, ConvUnitsAreChannelsOverAllPositions) {
  auto pre = -torch::ones({8, 3, 5, 5});
  pre.index_put_({0, 1, 4, 4}, 0.5);  // channel 1 positive at one position of one example
  EXPECT_NEAR(dead_fraction(pre), 2.0 / 3.0, 1e-12);
}

TEST(UnitStatsTest, NegativeFractionIsTheShareOfNegativeValues) {
  const auto pre = torch::tensor({{-1.0f, 2.0f}, {0.0f, -3.0f}});
  EXPECT_DOUBLE_EQ(negative_fraction(pre), 0.5);  // 0 is not negative
}

TEST(UnitStatsTest, SaturatedFractionForSigmoidAndRelu) {
  // sigmoid'(z) < 1% of its max 0.25 once |z| > ~6.9.
  auto sigmoid = nn::make_activation("sigmoid");
  const auto pre = torch::tensor({{10.0f, 0.0f, -8.0f}, {-12.0f, 0.5f, -7.5f}});
  // unit 0: |z| >= 10: saturated; unit 1: near 0: not; unit 2: |z| >= 7.5: saturated.
  EXPECT_NEAR(saturated_fraction(pre, sigmoid), 2.0 / 3.0, 1e-12);
  // Under ReLU, saturated == dead (derivative 0 or 1).
  auto relu = nn::make_activation("relu");
  const auto z = torch::randn({200, 6}) - torch::tensor({0.0f, 0.0f, 0.0f, 10.0f, 10.0f, 0.0f});
  EXPECT_DOUBLE_EQ(saturated_fraction(z, relu), dead_fraction(z));
}

TEST(UnitStatsTest, MaxDerivativeMatchesClosedForms) {
  auto sigmoid = nn::make_activation("sigmoid");
  EXPECT_NEAR(max_derivative(sigmoid, 2, false)[0].item<double>(), 0.25, 1e-6);
  auto tanh = nn::make_activation("tanh");
  EXPECT_NEAR(max_derivative(tanh, 1, false)[0].item<double>(), 1.0, 1e-6);
  auto selu = nn::make_activation("selu");
  EXPECT_NEAR(max_derivative(selu, 1, false)[0].item<double>(), ops::kSeluScale * ops::kSeluAlpha,
              1e-3);
  auto prelu = nn::make_activation("prelu", {{"num_parameters", 2.0}, {"init", 2.0}});
  const auto d = max_derivative(prelu, 2, true);
  EXPECT_NEAR(d[0].item<double>(), 2.0, 1e-6);  // slope 2 on the negative side
}

TEST(UnitStatsTest, NetworkDeadMeansConstantOutput) {
  EXPECT_TRUE(network_dead(torch::ones({50, 3}) * 0.7));
  auto out = torch::ones({50, 3});
  out.index_put_({7, 2}, 0.9);
  EXPECT_FALSE(network_dead(out));
}

TEST(UnitStatsTest, OnlineTrackerAccumulatesAcrossBatches) {
  OnlineDeadTracker tracker;
  EXPECT_TRUE(std::isnan(tracker.dead_fraction(0)));
  tracker.observe(0, torch::tensor({{-1.0f, 1.0f, -1.0f, -1.0f}}));
  EXPECT_DOUBLE_EQ(tracker.dead_fraction(0), 0.75);
  tracker.observe(0, torch::tensor({{-1.0f, -1.0f, 2.0f, -1.0f}}));
  EXPECT_DOUBLE_EQ(tracker.dead_fraction(0), 0.5);
  tracker.reset();
  tracker.observe(0, torch::tensor({{-1.0f, -1.0f, -1.0f, 3.0f}}));
  EXPECT_DOUBLE_EQ(tracker.dead_fraction(0), 0.75);
}

}  // namespace
}  // namespace lab
}  // namespace relulab
