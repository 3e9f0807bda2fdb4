// One trial, start to finish: see trainer.h.

#include "lab/train/trainer.h"

#include <torch/torch.h>

#include <malloc.h>

#include <chrono>
#include <cmath>

#include "lab/models/network.h"
#include "lab/stats/step_reductions.h"
#include "lab/stats/unit_stats.h"
#include "lab/train/mlp_backprop.h"
#include "lab/train/optimizer.h"

namespace relulab {
namespace lab {
namespace {

using Clock = std::chrono::steady_clock;
// Evaluation batch: 500 keeps a CNN's activations at 25 MB a tensor
// (2000 made 100 MB ones); no slower for the MLP. docs/performance.md and
// Note [Freed memory stays with the process].
constexpr int64_t kEvalBatch = 500;

// Note [Freed memory stays with the process]
// glibc hands every block above its mmap threshold (at most 32 MB, adapted
// upwards as blocks are freed) straight back to the kernel when freed, and
// trims the heap's top; the next allocation of that size then pays a page
// fault and a zeroed page per 4 KiB. A CNN trial here spent more than 40% of
// its wall time in the kernel so (evaluation batches re-allocating their
// activations, epoch after epoch). A trial allocates the same sizes
// over and over, so it keeps what it freed: one mmap threshold above any
// tensor a trial makes, no trimming. Measured: CNN trial 23.3 s -> 13.0 s,
// same results (docs/performance.md).
void keep_freed_memory() {
  ::mallopt(M_MMAP_THRESHOLD, 1 << 30);
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

// Note [Trial outcomes]
// A trial ends in one of (the `status` column):
//   ok         trained every epoch, and none of the below;
//   diverged   a training loss (checked at every step) or a parameter
//              (checked after every epoch's last step) was not finite;
//   exploded   an epoch's mean training loss exceeded kExplodeFactor times
//              the loss at initialisation (epoch 0's, on the whole training
//              set): a finite blow-up, training stopped there;
//   collapsed  trained every epoch, but the final validation accuracy (the
//              test accuracy when data.validation is 0) is within
//              kCollapseMargin of chance (1 / classes);
//   failed, timeout: errors, not results (is_error_status).
// diverged, exploded, failed and timeout trials have no final metrics
// (empty, never the last epoch's or epoch 0's values); collapsed ones keep
// theirs, but tables average ok trials only.
constexpr double kExplodeFactor = 10.0;
constexpr double kCollapseMargin = 0.05;

struct Evaluation {
  double loss = kNaN, accuracy = kNaN;
};

Evaluation evaluate(Network& net, const at::Tensor& x, const at::Tensor& y,
                    const torch::Device& device) {
  if (x.size(0) == 0) return {};
  torch::NoGradGuard no_grad;
  net->eval();
  double loss = 0, correct = 0;
  for (int64_t i = 0; i < x.size(0); i += kEvalBatch) {
    const auto xb = x.slice(0, i, i + kEvalBatch).to(device);
    const auto yb = y.slice(0, i, i + kEvalBatch).to(device);
    const auto logits = net->forward(xb);
    loss += torch::cross_entropy_loss(logits, yb, {}, at::Reduction::Sum).item<double>();
    correct += static_cast<double>(count_correct(logits, yb));
  }
  return {loss / x.size(0), correct / x.size(0)};
}

// Note [When the test set is evaluated]
// With a validation split, the test set is evaluated twice per trial, after
// training: on the final network and on the network as it was at the best
// validation epoch (a copy of its parameters is kept whenever validation
// accuracy reaches a new high, the first such epoch winning ties), and those
// two epochs' rows get test values. Model selection never sees the test set,
// test_accuracy_at_best_val is the same number as evaluating at that epoch,
// and the 10 000 test images cost 2 forward passes per trial instead of one
// per epoch (about 6% of an MLP trial; docs/performance.md).
// stats.test_every_epoch: true restores a test value in every row, and with
// no validation split the test set is evaluated every epoch (it is then the
// only held-out set: selection, targets and collapse use it).
bool tests_every_epoch(const TrialConfig& config, const Dataset& data) {
  return config.stats.test_every_epoch || !data.val_x.defined() || data.val_x.size(0) == 0;
}

// The rule that picks the best epoch, for BestSnapshot and summarise alike:
// the first strict maximum; NaN never wins.
bool improves_on(double accuracy, double best) {
  return !std::isnan(accuracy) && (std::isnan(best) || accuracy > best);
}

// The parameters of the network at the best validation epoch so far.
struct BestSnapshot {
  double val_accuracy = kNaN;
  int64_t epoch = -1;
  std::vector<at::Tensor> parameters;

  void offer(Network& net, int64_t at_epoch, double accuracy) {
    if (!improves_on(accuracy, val_accuracy)) return;
    torch::NoGradGuard no_grad;
    val_accuracy = accuracy;
    epoch = at_epoch;
    const auto current = net->parameters();
    if (parameters.empty()) {
      for (const auto& p : current) parameters.push_back(p.detach().clone());
    } else {
      for (size_t i = 0; i < current.size(); ++i) parameters[i].copy_(current[i]);
    }
  }

  void load_into(Network& net) const {
    torch::NoGradGuard no_grad;
    const auto current = net->parameters();
    for (size_t i = 0; i < current.size(); ++i) current[i].copy_(parameters[i]);
  }
};

void record_test(const Evaluation& test, EpochRecord* e) {
  e->test_loss = test.loss;
  e->test_accuracy = test.accuracy;
}

bool parameters_finite(Network& net) {
  torch::NoGradGuard no_grad;
  for (const auto& p : net->parameters()) {
    if (!torch::isfinite(p).all().item<bool>()) return false;
  }
  return true;
}

// Ends the trial as diverged at `step`; see Note [Trial outcomes].
void record_divergence(const char* what, int64_t step, int64_t epoch, double last_finite,
                       TrialResult* result) {
  result->status = "diverged";
  result->diverged_step = step;
  result->last_finite_loss = last_finite;
  result->message =
      std::string(what) + " " + std::to_string(step) + " (epoch " + std::to_string(epoch) + ")";
}

// The per-layer statistics on the probe set, appended to `result`.
void measure_layers(Network& net, const at::Tensor& probe, const torch::Device& device,
                    int64_t epoch, const OnlineDeadTracker* tracker,
                    const std::vector<double>& grad_norms,
                    const std::vector<double>& preact_grad_norms, TrialResult* result) {
  net->eval();  // RReLU: the deterministic mean slope
  std::vector<at::Tensor> pre;
  at::Tensor outputs;
  {
    torch::NoGradGuard no_grad;
    outputs = net->forward(probe.to(device), &pre);
  }
  const bool dead_network = network_dead(outputs);
  const auto slopes = net->prelu_slopes();
  for (size_t l = 0; l < net->hidden().size(); ++l) {
    auto layer = net->hidden()[l];
    LayerRecord r;
    r.epoch = epoch;
    r.layer = static_cast<int64_t>(l);
    r.kind = layer.kind;
    r.units = layer.units;
    r.dead_fraction = dead_fraction(pre[l]);
    if (tracker) r.dead_fraction_epoch = tracker->dead_fraction(l);
    r.saturated_fraction = saturated_fraction(pre[l], layer.activation);
    r.negative_fraction = negative_fraction(pre[l]);
    if (l < grad_norms.size()) r.grad_norm = grad_norms[l];
    if (l < preact_grad_norms.size()) r.preact_grad_norm = preact_grad_norms[l];
    r.weight_norm = layer.weight.detach().norm().item<double>();
    if (slopes[l].defined()) {
      const auto s = slopes[l].detach().to(torch::kDouble);
      r.slope_mean = s.mean().item<double>();
      r.slope_min = s.min().item<double>();
      r.slope_max = s.max().item<double>();
    }
    r.network_dead = dead_network;
    result->layers.push_back(r);
  }
}

double pooled_dead_fraction(const TrialResult& result, int64_t epoch) {
  double dead = 0, units = 0;
  for (const auto& r : result.layers) {
    if (r.epoch != epoch) continue;
    dead += r.dead_fraction * r.units;
    units += r.units;
  }
  return units > 0 ? dead / units : kNaN;
}

bool has_final_metrics(const std::string& status) {
  return status == "ok" || status == "collapsed";
}

void summarise(const TrialConfig& config, int64_t train_examples, bool test_each_epoch,
               TrialResult* result) {
  double train_seconds = 0, loss_sum = 0;
  int64_t trained_epochs = 0;
  for (const auto& e : result->epochs) {
    if (improves_on(e.val_accuracy, result->best_val_accuracy)) {
      result->best_val_accuracy = e.val_accuracy;
      result->best_val_epoch = e.epoch;
      result->test_accuracy_at_best_val = e.test_accuracy;
    }
    if (test_each_epoch && improves_on(e.test_accuracy, result->best_test_accuracy)) {
      result->best_test_accuracy = e.test_accuracy;
    }
    // The target is judged on held-out data that selection may see:
    // validation, or test when there is no validation split.
    const double held_out = std::isnan(e.val_accuracy) ? e.test_accuracy : e.val_accuracy;
    if (result->epochs_to_target < 0 && config.targets.accuracy > 0 && !std::isnan(held_out) &&
        held_out >= config.targets.accuracy) {
      result->epochs_to_target = e.epoch;
    }
    if (e.epoch > 0) {
      ++trained_epochs;
      train_seconds += e.seconds;
      loss_sum += e.train_loss;
    }
  }
  if (!result->epochs.empty() && has_final_metrics(result->status)) {
    const auto& last = result->epochs.back();
    result->final_test_accuracy = last.test_accuracy;
    result->final_val_accuracy = last.val_accuracy;
    result->final_train_loss = last.train_loss;
    result->dead_fraction_end = pooled_dead_fraction(*result, last.epoch);
  }
  if (!has_final_metrics(result->status)) {
    result->best_test_accuracy = result->best_val_accuracy = kNaN;
    result->best_val_epoch = -1;
    result->test_accuracy_at_best_val = kNaN;
  }
  result->dead_fraction_init = pooled_dead_fraction(*result, 0);
  for (const auto& r : result->layers) {
    if (r.epoch == 0) result->network_dead_init = r.network_dead;
  }
  if (trained_epochs > 0) {
    if (has_final_metrics(result->status)) result->loss_auc = loss_sum / trained_epochs;
    result->seconds_per_epoch = train_seconds / trained_epochs;
    result->samples_per_second =
        train_seconds > 0 ? static_cast<double>(trained_epochs * train_examples) / train_seconds
                          : kNaN;
  }
}

void train_and_measure(const TrialConfig& config, const Dataset& data, bool test_each_epoch,
                       const EpochCallback& on_epoch, TrialResult* result) {
  const auto& t = config.train;
  torch::manual_seed(static_cast<uint64_t>(config.seed));
  at::set_num_threads(static_cast<int>(t.threads));
  TORCH_CHECK(t.device == Device::kCpu || torch::cuda::is_available(),
              "train.device is cuda but LibTorch sees no CUDA device (this LibTorch is ",
              torch::cuda::is_available() ? "CUDA-enabled" : "CPU-only",
              "). HINT: run with --set train.device=cpu");
  const torch::Device device(t.device == Device::kCuda ? torch::kCUDA : torch::kCPU);

  Network net(config.model, config.activation, data.input_shape,
              std::max<int64_t>(data.classes, 1));
  initialise(net, config.model, config.activation);
  net->to(device);

  std::vector<at::Tensor> slopes, others;
  for (const auto& s : net->prelu_slopes()) {
    if (s.defined()) slopes.push_back(s);
  }
  const auto parameters = net->parameters();
  for (const auto& p : parameters) {
    if (std::none_of(slopes.begin(), slopes.end(),
                     [&](const at::Tensor& s) { return s.is_same(p); })) {
      others.push_back(p);
    }
  }
  auto optimizer = make_optimizer(t, others, slopes);
  // MLPs train without autograd, bit for bit the same (Note [The MLP step
  // without autograd]); CNNs with it.
  std::unique_ptr<MlpBackprop> backprop;
  if (MlpBackprop::supports(net)) backprop = std::make_unique<MlpBackprop>(net);
  OnlineDeadTracker tracker;
  BestSnapshot best;

  // Epoch 0: the network as initialised. Its training loss and accuracy on
  // the first stats.initial_train_examples training examples: an estimate
  // of the initial loss (the reference of "exploded") within a fraction of a
  // percent, for a fifth of a full pass.
  {
    EpochRecord e;
    const int64_t initial = config.stats.initial_train_examples;
    const auto train_eval = initial > 0 ? evaluate(net, data.train_x.slice(0, 0, initial),
                                                   data.train_y.slice(0, 0, initial), device)
                                        : evaluate(net, data.train_x, data.train_y, device);
    const auto val_eval = evaluate(net, data.val_x, data.val_y, device);
    e.train_loss = train_eval.loss;
    e.train_accuracy = train_eval.accuracy;
    if (test_each_epoch) record_test(evaluate(net, data.test_x, data.test_y, device), &e);
    e.val_loss = val_eval.loss;
    e.val_accuracy = val_eval.accuracy;
    if (!test_each_epoch) best.offer(net, 0, e.val_accuracy);
    result->epochs.push_back(e);
    measure_layers(net, data.probe_x, device, 0, nullptr, {}, {}, result);
    if (on_epoch) on_epoch(0);
  }

  const int64_t n = data.train_x.size(0);
  const double initial_loss = result->epochs.front().train_loss;
  const int64_t steps_per_epoch = (n + t.batch_size - 1) / t.batch_size;
  const auto& stats_config = config.stats;
  // Steps (within an epoch) after which steps.csv gets a validation accuracy.
  const int64_t eval_interval =
      stats_config.evals_per_epoch > 0
          ? std::max<int64_t>(1, steps_per_epoch / stats_config.evals_per_epoch)
          : 0;
  int64_t step = 0, examples = 0;
  double window_loss = 0;  // steps.csv: losses since the last row
  int64_t window_steps = 0;
  double last_finite = kNaN;
  const auto train_x = data.train_x.to(device);
  const auto train_y = data.train_y.to(device);
  // Within an epoch, validation on a prefix of the validation set: four full
  // passes per epoch cost as much as a third of the training (see
  // docs/performance.md); the epoch's last row gets the full set's value.
  at::Tensor step_val_x = data.val_x, step_val_y = data.val_y;
  if (data.val_x.defined() && stats_config.step_val_examples > 0) {
    step_val_x = data.val_x.slice(0, 0, stats_config.step_val_examples);
    step_val_y = data.val_y.slice(0, 0, stats_config.step_val_examples);
  }
  for (int64_t epoch = 1; epoch <= t.epochs; ++epoch) {
    const double lr = scheduled_lr(t, epoch);
    set_lr(*optimizer, lr);
    net->train();
    tracker.reset();
    const size_t layers = net->hidden().size();
    std::vector<double> grad_norm_sum(layers, 0.0), preact_grad_sum(layers, 0.0);
    double loss_sum = 0, correct = 0, stats_seconds = 0, eval_seconds = 0;
    int64_t steps = 0;
    const auto order = torch::randperm(n, torch::kLong).to(device);
    std::vector<at::Tensor> pre, pre_grads;
    int64_t epoch_end_row = -1;  // steps.csv row that takes the epoch's validation accuracy
    const auto start = Clock::now();
    for (int64_t i = 0; i < n; i += t.batch_size) {
      const auto idx = order.slice(0, i, i + t.batch_size);
      const auto xb = train_x.index_select(0, idx);
      const auto yb = train_y.index_select(0, idx);
      pre.clear();
      pre_grads.clear();
      auto* const keep_pre = config.stats.online_dead ? &pre : nullptr;
      at::Tensor logits, loss;
      if (backprop) {
        loss = backprop->forward(xb, yb, keep_pre);
        logits = backprop->logits();
      } else {
        // Undefined rather than zeroed, as PyTorch 2.x's zero_grad() does:
        // backward then hands over fresh gradients instead of adding them to
        // zeros, one pass over every weight fewer. 0 + g = g: the same bits
        // (but for the sign of a zero gradient).
        for (auto& p : parameters) p.mutable_grad().reset();
        logits = net->forward(xb, keep_pre);
        loss = torch::cross_entropy_loss(logits, yb);
      }
      const double loss_value = loss.item<double>();
      ++step;
      if (!std::isfinite(loss_value)) {
        return record_divergence("non-finite training loss at step", step, epoch, last_finite,
                                 result);
      }
      last_finite = loss_value;
      // The pre-activations' gradients, for preact_grad_norm (see columns.cpp).
      if (backprop) {
        backprop->backward(keep_pre ? &pre_grads : nullptr);
      } else {
        for (auto& z : pre) z.retain_grad();
        loss.backward();
        for (const auto& z : pre) pre_grads.push_back(z.grad());
      }
      optimizer->step();
      const auto stats_start = Clock::now();
      for (size_t l = 0; l < pre.size(); ++l) {
        tracker.observe(l, pre[l]);
        const auto& g = pre_grads[l];
        if (g.defined()) {
          const double units = static_cast<double>(net->hidden()[l].units);
          preact_grad_sum[l] += l2_norm(g) / std::sqrt(units);
        }
      }
      for (size_t l = 0; l < layers; ++l) {
        const auto& g = net->hidden()[l].weight.grad();
        if (g.defined()) grad_norm_sum[l] += l2_norm(g);
      }
      stats_seconds += std::chrono::duration<double>(Clock::now() - stats_start).count();
      loss_sum += loss_value * xb.size(0);
      correct += static_cast<double>(count_correct(logits, yb));
      ++steps;
      examples += xb.size(0);
      window_loss += loss_value;
      ++window_steps;
      const bool log_loss =
          stats_config.log_every_steps > 0 && step % stats_config.log_every_steps == 0;
      const bool last_of_epoch = i + t.batch_size >= n;
      const bool log_val = eval_interval > 0 && data.val_x.size(0) > 0 &&
                           (steps % eval_interval == 0 || last_of_epoch);
      if (log_loss || log_val) {
        StepRecord r;
        r.step = step;
        r.epoch = epoch;
        r.examples = examples;
        r.train_loss = window_loss / window_steps;
        window_loss = 0;
        window_steps = 0;
        if (log_val && last_of_epoch) {
          epoch_end_row = static_cast<int64_t>(result->steps.size());
        } else if (log_val) {
          // Timed apart, so `seconds` stays the training steps' time.
          const auto eval_start = Clock::now();
          r.val_accuracy = evaluate(net, step_val_x, step_val_y, device).accuracy;
          net->train();
          eval_seconds += std::chrono::duration<double>(Clock::now() - eval_start).count();
        }
        result->steps.push_back(r);
      }
    }
    EpochRecord e;
    e.epoch = epoch;
    e.lr = lr;
    e.seconds = std::chrono::duration<double>(Clock::now() - start).count() - eval_seconds;
    e.online_stats_seconds = stats_seconds;
    e.train_loss = loss_sum / n;
    e.train_accuracy = correct / n;
    if (!parameters_finite(net)) {
      return record_divergence("non-finite parameters after step", step, epoch, last_finite,
                               result);
    }
    const auto val_eval = evaluate(net, data.val_x, data.val_y, device);
    if (test_each_epoch) record_test(evaluate(net, data.test_x, data.test_y, device), &e);
    e.val_loss = val_eval.loss;
    e.val_accuracy = val_eval.accuracy;
    if (!test_each_epoch) best.offer(net, epoch, e.val_accuracy);
    if (epoch_end_row >= 0) result->steps[epoch_end_row].val_accuracy = val_eval.accuracy;
    result->epochs.push_back(e);
    if (e.train_loss > kExplodeFactor * initial_loss) {
      result->status = "exploded";
      result->message = "epoch " + std::to_string(epoch) + "'s training loss " +
                        std::to_string(e.train_loss) + " exceeds " +
                        std::to_string(kExplodeFactor) + " x the initial loss " +
                        std::to_string(initial_loss);
      return;
    }
    std::vector<double> grad_norms(layers), preact_grad_norms;
    for (size_t l = 0; l < layers; ++l)
      grad_norms[l] = grad_norm_sum[l] / std::max<int64_t>(1, steps);
    if (config.stats.online_dead) {
      for (size_t l = 0; l < layers; ++l)
        preact_grad_norms.push_back(preact_grad_sum[l] / std::max<int64_t>(1, steps));
    }
    measure_layers(net, data.probe_x, device, epoch, config.stats.online_dead ? &tracker : nullptr,
                   grad_norms, preact_grad_norms, result);
    if (on_epoch) on_epoch(epoch);
  }
  // Trained to the end: the test set, once on the final network and once on
  // the best validation epoch's (Note [When the test set is evaluated]).
  if (!test_each_epoch) {
    record_test(evaluate(net, data.test_x, data.test_y, device), &result->epochs.back());
    if (best.epoch >= 0 && best.epoch != result->epochs.back().epoch) {
      best.load_into(net);
      record_test(evaluate(net, data.test_x, data.test_y, device), &result->epochs[best.epoch]);
    }
  }
  if (t.epochs > 0 && data.classes > 0) {
    const auto& last = result->epochs.back();
    const double accuracy = std::isnan(last.val_accuracy) ? last.test_accuracy : last.val_accuracy;
    const double chance = 1.0 / static_cast<double>(data.classes);
    if (accuracy <= chance + kCollapseMargin) {
      result->status = "collapsed";
      result->message =
          "final " + std::string(std::isnan(last.val_accuracy) ? "test" : "validation") +
          " accuracy " + std::to_string(accuracy) + " is within " +
          std::to_string(kCollapseMargin) + " of chance (" + std::to_string(chance) + ")";
    }
  }
}

}  // namespace

TrialResult run_trial(const TrialConfig& config, const Dataset& data,
                      const EpochCallback& on_epoch) {
  keep_freed_memory();
  TrialResult result;
  result.threads = config.train.threads;
  result.device = name_of(config.train.device);
  const bool test_each_epoch = tests_every_epoch(config, data);
  const auto start = Clock::now();
  try {
    train_and_measure(config, data, test_each_epoch, on_epoch, &result);
  } catch (const c10::Error& e) {
    result.status = "failed";
    result.message = e.what_without_backtrace();
  } catch (const std::exception& e) {
    result.status = "failed";
    result.message = e.what();
  }
  result.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  summarise(config, data.train_x.size(0), test_each_epoch, &result);
  return result;
}

}  // namespace lab
}  // namespace relulab
