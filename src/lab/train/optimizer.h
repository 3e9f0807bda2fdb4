// The optimizer and learning-rate schedule a TrainConfig asks for.
#pragma once

#include <torch/torch.h>

#include <memory>

#include "lab/config/trial_config.h"

namespace relulab {
namespace lab {

/// sgd/adam/adamw over `parameters`; PReLU `slopes` get no weight decay
/// unless train.prelu_weight_decay.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainConfig& train,
                                                        std::vector<at::Tensor> parameters,
                                                        std::vector<at::Tensor> slopes);

/// The learning rate for `epoch` (1-based) under train.schedule.
double scheduled_lr(const TrainConfig& train, int64_t epoch);

/// Sets every parameter group's learning rate.
void set_lr(torch::optim::Optimizer& optimizer, double lr);

}  // namespace lab
}  // namespace relulab
