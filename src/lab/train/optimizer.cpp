// Optimizers and schedules: see optimizer.h.

#include "lab/train/optimizer.h"

#include <cmath>

#include "lab/train/fused_sgd.h"

namespace relulab {
namespace lab {
namespace {

template <typename Options>
std::vector<torch::optim::OptimizerParamGroup> groups(std::vector<at::Tensor> parameters,
                                                      std::vector<at::Tensor> slopes,
                                                      const Options& options, bool decay_slopes) {
  std::vector<torch::optim::OptimizerParamGroup> out;
  out.emplace_back(std::move(parameters), std::make_unique<Options>(options));
  if (!slopes.empty()) {
    auto slope_options = std::make_unique<Options>(options);
    if (!decay_slopes) slope_options->weight_decay(0);
    out.emplace_back(std::move(slopes), std::move(slope_options));
  }
  return out;
}

}  // namespace

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainConfig& t,
                                                        std::vector<at::Tensor> parameters,
                                                        std::vector<at::Tensor> slopes) {
  switch (t.optimizer) {
    case Optimizer::kSgd: {
      const auto o = torch::optim::SGDOptions(t.lr)
                         .momentum(t.momentum)
                         .nesterov(t.nesterov)
                         .weight_decay(t.weight_decay);
      return std::make_unique<FusedSGD>(
          groups(std::move(parameters), std::move(slopes), o, t.prelu_weight_decay), o);
    }
    case Optimizer::kAdam: {
      const auto o = torch::optim::AdamOptions(t.lr).weight_decay(t.weight_decay);
      return std::make_unique<torch::optim::Adam>(
          groups(std::move(parameters), std::move(slopes), o, t.prelu_weight_decay), o);
    }
    case Optimizer::kAdamW: {
      const auto o = torch::optim::AdamWOptions(t.lr).weight_decay(t.weight_decay);
      return std::make_unique<torch::optim::AdamW>(
          groups(std::move(parameters), std::move(slopes), o, t.prelu_weight_decay), o);
    }
  }
  TORCH_CHECK(false, "unknown optimizer ", static_cast<int>(t.optimizer));
}

double scheduled_lr(const TrainConfig& t, int64_t epoch) {
  if (t.schedule == Schedule::kCosine) {
    return 0.5 * t.lr * (1 + std::cos(M_PI * (epoch - 1) / std::max<int64_t>(1, t.epochs)));
  }
  if (t.schedule == Schedule::kStep) {
    return t.lr * std::pow(t.gamma, static_cast<double>((epoch - 1) / t.step_size));
  }
  return t.lr;
}

void set_lr(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace lab
}  // namespace relulab
