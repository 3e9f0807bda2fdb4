// The born-dead simulator against cases whose answers are known exactly.

#include <gtest/gtest.h>

#include <cmath>

#include "lab/stats/born_dead.h"
#include "relulab/relulab.h"

namespace relulab {
namespace lab {
namespace {

TEST(BornDeadTest, LayerDeadOnlyWhenEveryUnitIsZeroOnEveryInput) {
  auto hidden = torch::zeros({3, 4, 2});  // 3 networks, 4 probe inputs, width 2
  hidden.index_put_({1, 3, 0}, 0.25);     // network 1: one unit alive on one input
  hidden.index_put_({2, 0, 1}, 1e-30);    // network 2: alive, however faintly
  EXPECT_TRUE(torch::equal(layer_dead(hidden), torch::tensor({true, false, false})));
  EXPECT_THROW(layer_dead(torch::zeros({4, 2})), c10::Error);
}

// Width 1, input dimension 1, zero biases: the first layer's unit is alive
// on exactly one half-line (x > 0 if its weight is positive), and each later
// layer keeps the signal alive with probability 1/2 (its weight's sign). So
// P(born dead at depth L) = 1 - 2^-(L - 1): 0 at depth 1, 3/4 at depth 3.
// A depth counted one layer off gives 1/2 or 7/8, far outside the band.
TEST(BornDeadTest, WidthOneMatchesTheClosedForm) {
  BornDeadSetup setup;
  setup.networks = 4000;
  setup.probe_size = 64;  // both signs occur: a Gaussian probe has P(one sign) = 2^-63
  EXPECT_EQ(simulate_born_dead(/*width=*/1, /*depth=*/1, setup).born_dead, 0);
  for (const int64_t depth : {2, 3, 5}) {
    const auto cell = simulate_born_dead(/*width=*/1, depth, setup);
    const double p = 1.0 - std::pow(2.0, -(depth - 1));
    const double sd = std::sqrt(p * (1 - p) / setup.networks);
    EXPECT_EQ(cell.networks, 4000);
    EXPECT_NEAR(static_cast<double>(cell.born_dead) / cell.networks, p, 5 * sd) << depth;
  }
}

// Width N, input dimension 1, zero biases, one sign of input only: each
// layer kills the ray with probability 2^-N independently (its N rows' signs
// on a non-negative input are independent fair coins), so P(dead at depth L)
// = 1 - (1 - 2^-N)^L. A probe of one input is that ray: with zero biases the
// network is positively homogeneous.
TEST(BornDeadTest, OneRayMatchesTheClosedForm) {
  BornDeadSetup setup;
  setup.networks = 4000;
  setup.probe_size = 1;  // one input: the ray through it
  for (const int64_t width : {2, 3}) {
    const int64_t depth = 6;
    const auto cell = simulate_born_dead(width, depth, setup);
    const double p = 1.0 - std::pow(1.0 - std::pow(2.0, -width), depth);
    const double sd = std::sqrt(p * (1 - p) / setup.networks);
    EXPECT_NEAR(static_cast<double>(cell.born_dead) / cell.networks, p, 5 * sd) << width;
  }
}

TEST(BornDeadTest, WithBiasesSomeButNotAllDieAndCellsAreReproducible) {
  BornDeadSetup setup;
  setup.networks = 300;
  setup.chunk = 64;  // not a divisor: the last chunk is short
  setup.bias_std = 0.5;
  const auto a = simulate_born_dead(3, 8, setup);
  const auto b = simulate_born_dead(3, 8, setup);
  EXPECT_EQ(a.born_dead, b.born_dead);
  EXPECT_EQ(a.networks, 300);
  EXPECT_GT(a.born_dead, 0);
  EXPECT_LT(a.born_dead, 300);
  setup.networks = 0;
  EXPECT_THROW(simulate_born_dead(3, 8, setup), c10::Error);
}

}  // namespace
}  // namespace lab
}  // namespace relulab
