// The typed configuration of one trial, with every default in one place.
// docs/config.md documents each key; schema.cpp maps keys to these fields.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lab/config/choices.h"
#include "relulab/nn/activation_params.h"

namespace relulab {
namespace lab {

struct DataConfig {
  DatasetKind dataset = DatasetKind::kFashionMnist;
  std::string path = "/usr/share/datasets/fashion-mnist";
  int64_t train_subset = 0;    // 0: all training examples
  int64_t test_subset = 0;     // 0: all test examples
  int64_t validation = 10000;  // held out from training for model selection
  int64_t probe_size = 1000;   // examples the unit statistics are computed on
  int64_t samples = 4000;      // synthetic datasets: training examples
  int64_t test_samples = 1000;
  int64_t input_dim = 20;  // teacher, gaussian
  int64_t classes = 10;    // teacher
  int64_t arms = 3;        // spirals
  double noise = 0.2;      // spirals
  int64_t teacher_width = 64;
  int64_t teacher_depth = 2;
  int64_t seed = 0;  // which subset, probe set and synthetic data
};

struct ModelConfig {
  Arch arch = Arch::kMlp;
  std::vector<int64_t> hidden = {256, 256};  // mlp widths (unless depth/width)
  int64_t depth = 0;                         // mlp: depth x width overrides hidden
  int64_t width = 0;
  std::vector<int64_t> channels = {16, 32};  // cnn: one conv block per entry
  std::vector<int64_t> dense;                // cnn: linear hidden layers after the convs
  Init init = Init::kDefault;
};

struct ActivationConfig {
  std::string name = "relu";
  nn::ActivationParams params;  // as make_activation takes them
  bool per_channel = false;     // prelu: one slope per unit/channel

  /// "leaky_relu(negative_slope=0.2)", stable, for tables.
  std::string label() const;
};

struct TrainConfig {
  int64_t epochs = 5;
  int64_t batch_size = 128;
  Optimizer optimizer = Optimizer::kSgd;
  double lr = 0.01;
  double momentum = 0.0;
  bool nesterov = false;
  double weight_decay = 0.0;
  bool prelu_weight_decay = false;  // decay PReLU slopes too (off: He et al.)
  Schedule schedule = Schedule::kConstant;
  int64_t step_size = 1;  // step: epochs between decays
  double gamma = 0.1;     // step: decay factor
  int64_t threads = 1;    // intra-op threads per trial
  Device device = Device::kCpu;
};

struct TargetConfig {
  double accuracy = 0.0;  // held-out accuracy that counts as converged; 0: no target
};

struct StatsConfig {
  bool online_dead = true;       // track dead_fraction_epoch during training
  int64_t log_every_steps = 50;  // steps.csv: training loss every K steps (0: off)
  int64_t evals_per_epoch = 4;   // steps.csv: validation accuracy this often per epoch (0: off)
  int64_t step_val_examples =
      2000;                       // ... within an epoch on this many validation examples (0: all)
  bool test_every_epoch = false;  // else: test twice, after training (Note in trainer.cpp)
  int64_t initial_train_examples = 10000;  // epoch 0's training loss on this many (0: all)
};

struct TrialConfig {
  DataConfig data;
  ModelConfig model;
  ActivationConfig activation;
  TrainConfig train;
  TargetConfig targets;
  StatsConfig stats;
  int64_t seed = 0;
};

}  // namespace lab
}  // namespace relulab
