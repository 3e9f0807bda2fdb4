// One trial end to end on synthetic data: records, determinism, divergence,
// and statistics of networks with known dead units.

#include <gtest/gtest.h>

#include "lab/config/trial_config.h"
#include "lab/data/dataset.h"
#include "lab/models/max_pool.h"
#include "lab/models/network.h"
#include "lab/stats/unit_stats.h"
#include "lab/train/trainer.h"

namespace relulab {
namespace lab {
namespace {

// A problem a small MLP learns in a few epochs (3 classes, 4 inputs).
TrialConfig small_trial() {
  TrialConfig c;
  c.data.dataset = DatasetKind::kTeacher;
  c.data.classes = 3;
  c.data.input_dim = 4;
  c.data.samples = 300;
  c.data.test_samples = 100;
  c.data.probe_size = 100;
  c.model.hidden = {16, 16};
  c.model.init = Init::kKaimingNormal;
  c.train.epochs = 3;
  c.train.batch_size = 32;
  c.train.lr = 0.05;
  c.train.momentum = 0.9;
  c.targets.accuracy = 0.1;
  return c;
}

TEST(TrainerTest, RecordsEveryEpochAndLayer) {
  const auto config = small_trial();
  const auto data = load_dataset(config.data);
  std::vector<int64_t> seen;
  const auto r = run_trial(config, data, [&](int64_t e) { seen.push_back(e); });
  EXPECT_EQ(r.status, "ok") << r.message;
  EXPECT_EQ(seen, (std::vector<int64_t>{0, 1, 2, 3}));
  ASSERT_EQ(r.epochs.size(), 4u);
  ASSERT_EQ(r.layers.size(), 4u * 2u);
  EXPECT_EQ(r.epochs[0].seconds, 0);
  EXPECT_TRUE(std::isnan(r.epochs[0].lr));
  EXPECT_TRUE(std::isnan(r.layers[0].grad_norm));
  EXPECT_TRUE(std::isnan(r.layers[0].dead_fraction_epoch));
  EXPECT_FALSE(std::isnan(r.layers[2].dead_fraction_epoch));
  EXPECT_GT(r.layers[2].grad_norm, 0);
  EXPECT_EQ(r.epochs_to_target, 0);  // 10% accuracy: reached at initialisation
  // Validation: 100 examples (min(data.validation, test_samples)), every epoch.
  EXPECT_EQ(data.val_x.size(0), 100);
  for (const auto& e : r.epochs) EXPECT_FALSE(std::isnan(e.val_accuracy));
  EXPECT_GE(r.best_val_epoch, 0);
  EXPECT_EQ(r.best_val_accuracy, r.epochs[r.best_val_epoch].val_accuracy);
  EXPECT_EQ(r.test_accuracy_at_best_val, r.epochs[r.best_val_epoch].test_accuracy);
  EXPECT_EQ(r.final_val_accuracy, r.epochs.back().val_accuracy);
  EXPECT_GT(r.seconds_per_epoch, 0);
  EXPECT_NEAR(r.loss_auc,
              (r.epochs[1].train_loss + r.epochs[2].train_loss + r.epochs[3].train_loss) / 3,
              1e-12);
}

TEST(TrainerTest, SameConfigAndSeedGiveBitIdenticalMetrics) {
  auto config = small_trial();
  config.activation.name = "rrelu";  // random slopes in training: seeded too
  const auto data = load_dataset(config.data);
  const auto a = run_trial(config, data);
  const auto b = run_trial(config, data);
  ASSERT_EQ(a.epochs.size(), b.epochs.size());
  for (size_t i = 0; i < a.epochs.size(); ++i) {
    EXPECT_EQ(a.epochs[i].train_loss, b.epochs[i].train_loss);
    EXPECT_EQ(a.epochs[i].val_accuracy, b.epochs[i].val_accuracy);
  }
  EXPECT_EQ(a.final_test_accuracy, b.final_test_accuracy);
  EXPECT_EQ(a.test_accuracy_at_best_val, b.test_accuracy_at_best_val);
  for (size_t i = 0; i < a.layers.size(); ++i) {
    EXPECT_EQ(a.layers[i].weight_norm, b.layers[i].weight_norm);
    EXPECT_EQ(a.layers[i].dead_fraction, b.layers[i].dead_fraction);
  }
  config.seed = 1;
  EXPECT_NE(run_trial(config, data).epochs[1].train_loss, a.epochs[1].train_loss);
}

// Note [When the test set is evaluated]: by default the test set is seen
// after training only, on the final and the best validation epoch's networks,
// and gives the same numbers as evaluating it after every epoch.
TEST(TrainerTest, TestSetIsEvaluatedOnTheFinalAndTheBestValidationEpochOnly) {
  auto config = small_trial();
  config.train.epochs = 6;
  config.train.lr = 0.5;  // noisy validation: the best epoch is often not the last
  const auto data = load_dataset(config.data);
  int checked_earlier_best = 0;
  for (int64_t seed = 0; seed < 6; ++seed) {
    config.seed = seed;
    config.stats.test_every_epoch = false;
    const auto twice = run_trial(config, data);
    config.stats.test_every_epoch = true;
    const auto every = run_trial(config, data);
    ASSERT_EQ(twice.status, "ok") << twice.message;
    ASSERT_EQ(twice.epochs.size(), every.epochs.size());
    const int64_t last = twice.epochs.back().epoch;
    EXPECT_EQ(twice.best_val_epoch, every.best_val_epoch);
    for (const auto& e : twice.epochs) {
      const auto& other = every.epochs[e.epoch];
      EXPECT_EQ(e.train_loss, other.train_loss);  // evaluating never changes training
      EXPECT_EQ(e.val_accuracy, other.val_accuracy);
      if (e.epoch == last || e.epoch == twice.best_val_epoch) {
        EXPECT_EQ(e.test_accuracy, other.test_accuracy) << "epoch " << e.epoch;
        EXPECT_EQ(e.test_loss, other.test_loss);
      } else {
        EXPECT_TRUE(std::isnan(e.test_accuracy)) << "epoch " << e.epoch;
      }
    }
    EXPECT_EQ(twice.test_accuracy_at_best_val, every.test_accuracy_at_best_val);
    EXPECT_EQ(twice.final_test_accuracy, every.final_test_accuracy);
    EXPECT_TRUE(std::isnan(twice.best_test_accuracy));  // a max over two epochs means nothing
    EXPECT_FALSE(std::isnan(every.best_test_accuracy));
    if (twice.best_val_epoch < last) ++checked_earlier_best;
  }
  // The snapshot was exercised: some seed's best validation epoch was not its last.
  EXPECT_GT(checked_earlier_best, 0);
}

TEST(TrainerTest, InitialTrainingLossUsesTheFirstExamples) {
  auto config = small_trial();
  config.train.epochs = 0;
  const auto data = load_dataset(config.data);
  config.stats.initial_train_examples = 0;
  const auto all = run_trial(config, data);
  config.stats.initial_train_examples = data.train_x.size(0);
  EXPECT_EQ(run_trial(config, data).epochs[0].train_loss, all.epochs[0].train_loss);
  config.stats.initial_train_examples = 50;
  const auto first = run_trial(config, data);
  EXPECT_NE(first.epochs[0].train_loss, all.epochs[0].train_loss);
  // The same network on the first 50 examples, by hand.
  torch::manual_seed(0);
  Network net(config.model, config.activation, data.input_shape, data.classes);
  initialise(net, config.model, config.activation);
  torch::NoGradGuard no_grad;
  net->eval();
  const auto logits = net->forward(data.train_x.slice(0, 0, 50));
  const double expected =
      torch::cross_entropy_loss(logits, data.train_y.slice(0, 0, 50), {}, at::Reduction::Sum)
          .item<double>() /
      50;
  EXPECT_EQ(first.epochs[0].train_loss, expected);
  // Held-out values at epoch 0 are whole-set ones, and the test set is
  // evaluated (epoch 0 is the final epoch).
  EXPECT_EQ(first.epochs[0].val_accuracy, all.epochs[0].val_accuracy);
  EXPECT_FALSE(std::isnan(first.final_test_accuracy));
}

// epochs_to_target is judged on validation accuracy, never on the test set.
TEST(TrainerTest, TargetIsJudgedOnValidationAccuracy) {
  auto config = small_trial();
  const auto data = load_dataset(config.data);
  config.stats.test_every_epoch = true;
  auto r = run_trial(config, data);
  ASSERT_EQ(r.status, "ok");
  config.targets.accuracy = r.epochs[2].val_accuracy;
  r = run_trial(config, data);
  int64_t expected = -1;
  for (const auto& e : r.epochs) {
    if (expected < 0 && e.val_accuracy >= config.targets.accuracy) expected = e.epoch;
  }
  EXPECT_EQ(r.epochs_to_target, expected);
  EXPECT_LE(r.epochs_to_target, 2);
}

TEST(TrainerTest, NonFiniteLossEndsTheTrialAsDiverged) {
  auto config = small_trial();
  config.train.lr = 1e30;
  const auto r = run_trial(config, load_dataset(config.data));
  EXPECT_EQ(r.status, "diverged");
  EXPECT_GT(r.diverged_step, 1);
  EXPECT_TRUE(std::isfinite(r.last_finite_loss));
  EXPECT_NE(r.message.find("non-finite training loss at step " + std::to_string(r.diverged_step)),
            std::string::npos);
  EXPECT_EQ(r.epochs.size(), 1u);  // only epoch 0 completed
}

TEST(TrainerTest, DivergedTrialsHaveNoFinalMetrics) {
  auto config = small_trial();
  config.train.lr = 1e30;
  const auto r = run_trial(config, load_dataset(config.data));
  ASSERT_EQ(r.status, "diverged");
  // Never epoch 0's values standing in for a trained network.
  EXPECT_TRUE(std::isnan(r.final_test_accuracy));
  EXPECT_TRUE(std::isnan(r.final_val_accuracy));
  EXPECT_TRUE(std::isnan(r.final_train_loss));
  EXPECT_TRUE(std::isnan(r.best_test_accuracy));
  EXPECT_TRUE(std::isnan(r.dead_fraction_end));
  EXPECT_TRUE(std::isnan(r.loss_auc));
  EXPECT_FALSE(std::isnan(r.dead_fraction_init));  // measured at initialisation: kept
}

// lr 10 with momentum 0.9: the loss grows ~1000-fold in epoch 1 but stays finite.
TEST(TrainerTest, AFiniteBlowUpIsExplodedNotOk) {
  auto config = small_trial();
  config.train.lr = 10;
  const auto r = run_trial(config, load_dataset(config.data));
  EXPECT_EQ(r.status, "exploded") << r.message;
  EXPECT_NE(r.message.find("x the initial loss"), std::string::npos) << r.message;
  EXPECT_TRUE(std::isnan(r.final_test_accuracy));
  EXPECT_TRUE(std::isfinite(r.epochs.back().train_loss));
  EXPECT_GT(r.epochs.back().train_loss, 10 * r.epochs.front().train_loss);
}

// A 3-arm spiral barely moves at lr 1e-6: validation accuracy stays at chance.
TEST(TrainerTest, ChanceAccuracyAfterTrainingIsCollapsed) {
  auto config = small_trial();
  config.data.dataset = DatasetKind::kSpirals;
  config.data.test_samples = 1000;
  config.train.lr = 1e-6;
  const auto r = run_trial(config, load_dataset(config.data));
  EXPECT_EQ(r.status, "collapsed") << r.message;
  EXPECT_LE(r.final_val_accuracy, 1.0 / 3 + 0.05);
  EXPECT_FALSE(std::isnan(r.final_test_accuracy));  // trained: its metrics are kept
}

TEST(TrainerTest, StepsAreLoggedEveryKStepsWithValidationEvaluations) {
  auto config = small_trial();
  config.stats.log_every_steps = 2;
  config.stats.evals_per_epoch = 2;
  const auto r = run_trial(config, load_dataset(config.data));
  ASSERT_EQ(r.status, "ok") << r.message;
  // 300 examples / 32 = 10 steps per epoch, 3 epochs.
  int64_t evaluations = 0;
  for (const auto& s : r.steps) {
    EXPECT_TRUE(s.step % 2 == 0 || !std::isnan(s.val_accuracy)) << s.step;
    EXPECT_EQ(s.epoch, (s.step - 1) / 10 + 1);
    EXPECT_EQ(s.examples, s.step * 32 - (s.step / 10) * 20);  // last batch of an epoch: 12
    evaluations += !std::isnan(s.val_accuracy);
  }
  EXPECT_EQ(r.steps.back().step, 30);
  EXPECT_EQ(evaluations, 3 * 2);  // steps 5 and 10 of each epoch
}

// Within an epoch, validation uses the first stats.step_val_examples
// examples; the epoch's last row carries the whole set's accuracy, the same
// number as epochs.csv's.
TEST(TrainerTest, StepValidationUsesAPrefixAndTheEpochEndTheWholeSet) {
  auto config = small_trial();
  config.stats.log_every_steps = 0;
  config.stats.evals_per_epoch = 2;
  config.stats.step_val_examples = 7;
  const auto data = load_dataset(config.data);
  ASSERT_GT(data.val_x.size(0), 7);
  const auto r = run_trial(config, data);
  ASSERT_EQ(r.status, "ok") << r.message;
  ASSERT_EQ(r.steps.size(), 6u);
  for (const auto& s : r.steps) {
    if (s.step % 10 == 0) {
      EXPECT_EQ(s.val_accuracy, r.epochs[s.epoch].val_accuracy) << s.step;
    } else {
      const double correct = s.val_accuracy * 7;
      EXPECT_NEAR(correct, std::round(correct), 1e-9) << s.step << ": not out of 7 examples";
    }
  }
}

// Eight sigmoid layers: the loss's gradient reaching layer 0's
// pre-activations is a small fraction of the last layer's (sigmoid' <= 1/4
// per layer); ReLU's shrinks far less. Per unit, so widths do not matter.
TEST(TrainerTest, PreActivationGradientsVanishThroughDeepSigmoidNetworks) {
  const auto ratio = [](const std::string& activation) {
    auto config = small_trial();
    config.model.hidden.assign(8, 32);
    config.train.epochs = 1;
    config.train.lr = 0.01;
    config.train.momentum = 0;
    config.activation.name = activation;
    const auto r = run_trial(config, load_dataset(config.data));
    std::vector<double> g;
    for (const auto& l : r.layers) {
      if (l.epoch == 1) g.push_back(l.preact_grad_norm);
    }
    EXPECT_EQ(g.size(), 8u);
    for (const double v : g) EXPECT_GT(v, 0);
    return g.front() / g.back();
  };
  const double sigmoid = ratio("sigmoid"), relu = ratio("relu");
  EXPECT_LT(sigmoid, 0.01);
  EXPECT_GT(relu, 10 * sigmoid);
}

TEST(TrainerTest, ErrorsEndTheTrialAsFailed) {
  auto config = small_trial();
  config.train.device = Device::kCuda;  // no CUDA in this LibTorch build
  if (torch::cuda::is_available()) GTEST_SKIP() << "CUDA present";
  const auto r = run_trial(config, load_dataset(config.data));
  EXPECT_EQ(r.status, "failed");
  EXPECT_NE(r.message.find("no CUDA device"), std::string::npos) << r.message;
}

// A hand-built network: 4 hidden units of which exactly 2 can never be
// positive over any input, 1 is constant 0 (dead too), 1 is alive.
TEST(NetworkStatsTest, KnownWeightsGiveKnownDeadUnits) {
  ModelConfig model;
  model.hidden = {4};
  ActivationConfig relu;
  Network net(model, relu, std::vector<int64_t>{2}, 3);
  {
    torch::NoGradGuard no_grad;
    auto& w = net->hidden()[0].weight;
    auto b = net->hidden()[0].transform.ptr()->named_parameters()["bias"];
    w.copy_(torch::tensor({{0.0f, 0.0f}, {0.0f, 0.0f}, {0.0f, 0.0f}, {1.0f, 0.0f}}));
    b.copy_(torch::tensor({-1.0f, -0.5f, 0.0f, 0.0f}));
  }
  const auto x = torch::randn({200, 2});
  std::vector<at::Tensor> pre;
  const auto out = net->forward(x, &pre);
  ASSERT_EQ(pre.size(), 1u);
  EXPECT_DOUBLE_EQ(dead_fraction(pre[0]), 0.75);
  EXPECT_FALSE(network_dead(out));
  // Kill the last unit too: the output no longer depends on the input.
  {
    torch::NoGradGuard no_grad;
    net->hidden()[0].weight.zero_();
  }
  pre.clear();
  const auto out_dead = net->forward(x, &pre);
  EXPECT_DOUBLE_EQ(dead_fraction(pre[0]), 1.0);
  EXPECT_TRUE(network_dead(out_dead));
}

TEST(NetworkStatsTest, CnnLayersAreChannels) {
  ModelConfig model;
  model.arch = Arch::kCnn;
  model.channels = {4, 6};
  ActivationConfig prelu;
  prelu.name = "prelu";
  prelu.per_channel = true;
  Network net(model, prelu, std::vector<int64_t>{1, 28, 28}, 10);
  std::vector<at::Tensor> pre;
  const auto out = net->forward(torch::randn({3, 1, 28, 28}), &pre);
  EXPECT_EQ(out.sizes(), at::IntArrayRef({3, 10}));
  ASSERT_EQ(pre.size(), 2u);
  EXPECT_EQ(pre[1].sizes(), at::IntArrayRef({3, 6, 14, 14}));
  ASSERT_TRUE(net->prelu_slopes()[1].defined());
  EXPECT_EQ(net->prelu_slopes()[1].numel(), 6);
}

TEST(NetworkStatsTest, CnnDenseLayersFollowTheConvBlocks) {
  ModelConfig model;
  model.arch = Arch::kCnn;
  model.channels = {4, 6};
  model.dense = {5};
  ActivationConfig prelu;
  prelu.name = "prelu";
  prelu.per_channel = true;
  Network net(model, prelu, std::vector<int64_t>{1, 28, 28}, 10);
  std::vector<at::Tensor> pre;
  const auto x = torch::randn({3, 1, 28, 28});
  const auto out = net->forward(x, &pre);
  ASSERT_EQ(pre.size(), 3u);
  EXPECT_EQ(pre[2].sizes(), at::IntArrayRef({3, 5}));
  EXPECT_EQ(net->hidden()[2].kind, "linear");
  EXPECT_EQ(net->prelu_slopes()[2].numel(), 5);
  EXPECT_EQ(net->hidden()[2].weight.sizes(), at::IntArrayRef({5, 6 * 7 * 7}));
  // The dense layer sees the pooled, flattened second block and feeds the head.
  const auto params = net->named_parameters();
  auto second = net->hidden()[1].activation;  // a handle on the same module
  auto third = net->hidden()[2].activation;
  const auto pooled = max_pool2x2(second.forward(pre[1])).flatten(1);
  const auto z = torch::linear(pooled, params["fc2.weight"], params["fc2.bias"]);
  EXPECT_TRUE(torch::allclose(z, pre[2]));
  const auto logits = torch::linear(third.forward(z), params["head.weight"], params["head.bias"]);
  EXPECT_TRUE(torch::allclose(logits, out));
}

TEST(NetworkStatsTest, KaimingGainMatchesTheActivation) {
  ActivationConfig a;
  EXPECT_NEAR(activation_gain(a), std::sqrt(2.0), 1e-12);
  a.name = "leaky_relu";
  a.params["negative_slope"] = 0.2;
  EXPECT_NEAR(activation_gain(a), std::sqrt(2.0 / 1.04), 1e-12);
  a = ActivationConfig{};
  a.name = "tanh";
  EXPECT_NEAR(activation_gain(a), 5.0 / 3.0, 1e-12);
}

}  // namespace
}  // namespace lab
}  // namespace relulab
