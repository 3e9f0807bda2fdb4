// What one trial measured: one record per epoch, one per (epoch, hidden
// layer), and the per-trial summary. Column meanings: docs/statistics.md.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace relulab {
namespace lab {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct EpochRecord {
  int64_t epoch = 0;  // 0: at initialisation, before any step
  double train_loss = kNaN, train_accuracy = kNaN;
  double test_loss = kNaN, test_accuracy = kNaN;
  double val_loss = kNaN, val_accuracy = kNaN;
  double lr = kNaN;
  double seconds = 0;               // training steps only (no evaluation, no probe statistics)
  double online_stats_seconds = 0;  // of which: online dead-unit tracking and gradient norms
};

/// One row of steps.csv: the training loss over the last K steps, and the
/// validation accuracy where this step is one of the epoch's evaluations.
struct StepRecord {
  int64_t step = 0;            // optimizer steps so far (1-based)
  int64_t epoch = 0;           // the epoch this step belongs to
  int64_t examples = 0;        // training examples seen so far
  double train_loss = kNaN;    // mean minibatch loss of the steps since the previous row
  double val_accuracy = kNaN;  // empty unless evaluated at this step
};

struct LayerRecord {
  int64_t epoch = 0;
  int64_t layer = 0;  // 0-based hidden layer index, input side first
  std::string kind;   // linear | conv
  int64_t units = 0;
  double dead_fraction = kNaN;
  double dead_fraction_epoch = kNaN;  // empty at epoch 0 and when not tracked
  double saturated_fraction = kNaN;
  double negative_fraction = kNaN;
  double grad_norm = kNaN;         // mean over the epoch's steps; empty at epoch 0
  double preact_grad_norm = kNaN;  // ||dL/dz||_F / sqrt(units), mean over the epoch's steps
  double weight_norm = kNaN;
  double slope_mean = kNaN, slope_min = kNaN, slope_max = kNaN;  // PReLU only
  bool network_dead = false;
};

struct TrialResult {
  // ok | diverged | exploded | collapsed (Note [Trial outcomes] in trainer.cpp)
  // | failed | timeout (see is_error_status)
  std::string status = "ok";
  std::string message;
  int64_t diverged_step = -1;
  double last_finite_loss = kNaN;
  double final_test_accuracy = kNaN, best_test_accuracy = kNaN, final_train_loss = kNaN;
  double final_val_accuracy = kNaN, best_val_accuracy = kNaN;
  int64_t best_val_epoch = -1;
  double test_accuracy_at_best_val = kNaN;
  int64_t epochs_to_target = -1;
  double loss_auc = kNaN;
  double dead_fraction_init = kNaN, dead_fraction_end = kNaN;
  bool network_dead_init = false;
  double wall_seconds = 0, seconds_per_epoch = kNaN, samples_per_second = kNaN;
  int64_t threads = 1;
  std::string device = "cpu";
  std::vector<EpochRecord> epochs;
  std::vector<StepRecord> steps;
  std::vector<LayerRecord> layers;
};

/// "failed" (an error, a crashed worker) and "timeout" (stopped after
/// --trial-timeout): no result, rerun by --retry-failed, and never recorded
/// over a result (Note [Records are never downgraded]).
inline bool is_error_status(const std::string& status) {
  return status == "failed" || status == "timeout";
}

}  // namespace lab
}  // namespace relulab
