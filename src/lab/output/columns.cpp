// The result CSVs' column tables: see columns.h.

#include "lab/output/columns.h"

#include <sstream>

#include "lab/config/schema.h"

namespace relulab {
namespace lab {
namespace {

std::string integer(int64_t v) { return std::to_string(v); }
// -1 stands for "none" in the records (no epoch reached the target, no divergence).
std::string integer_or_empty(int64_t v) { return v < 0 ? "" : std::to_string(v); }
std::string flag(bool v) { return v ? "true" : "false"; }

// Configuration columns carry this type; the docs list them as one row.
constexpr const char* kConfigType = "config";

const char* type_of(ValueType type) {
  switch (type) {
    case ValueType::kInt:
      return "integer";
    case ValueType::kDouble:
      return "number";
    case ValueType::kBool:
      return "bool";
    default:
      return "string";
  }
}

}  // namespace

const std::vector<Column<TrialRow>>& trial_table() {
  static const std::vector<Column<TrialRow>> table = [] {
    using C = Column<TrialRow>;
    std::vector<C> t = {
        {"trial_id", "string",
         "12 hex digits: hash of the configuration values that differ from their defaults, and the "
         "seed",
         [](const TrialRow& r) { return r.trial.id; }},
        {"trial_index", "integer", "position in the expanded sweep",
         [](const TrialRow& r) { return integer(r.trial.index); }},
        {"sweep", "string", "the sweep's name", [](const TrialRow& r) { return r.sweep.name; }},
    };
    for (const auto& spec : config_schema()) {
      const std::string key = spec.key;
      t.push_back(
          {key, kConfigType, "", [key](const TrialRow& r) { return r.trial.values.at(key); }});
    }
    const std::vector<C> results = {
        {"activation_name", "string", "the activation's name alone",
         [](const TrialRow& r) { return r.trial.config.activation.name; }},
        {"status", "string",
         "`ok`; `diverged` (a non-finite loss at any step or non-finite parameters after an "
         "epoch); `exploded` (an epoch's mean training loss above 10x the loss at "
         "initialisation); `collapsed` (trained, but final validation accuracy within 0.05 of "
         "chance); `failed` (an error; see `message`); `timeout` (ran past `--trial-timeout`). "
         "Only `ok` trials enter averages",
         [](const TrialRow& r) { return r.result.status; }},
        {"message", "string", "why a trial is not `ok`",
         [](const TrialRow& r) { return r.result.message; }},
        {"final_val_accuracy", "number",
         "validation accuracy after the last epoch; empty unless `ok` or `collapsed`",
         [](const TrialRow& r) { return csv_number(r.result.final_val_accuracy); }},
        {"best_val_accuracy", "number",
         "highest validation accuracy over epochs 0..E: the accuracy model selection uses",
         [](const TrialRow& r) { return csv_number(r.result.best_val_accuracy); }},
        {"best_val_epoch", "integer", "the epoch of `best_val_accuracy` (the first if tied)",
         [](const TrialRow& r) { return integer_or_empty(r.result.best_val_epoch); }},
        {"test_accuracy_at_best_val", "number",
         "test accuracy at `best_val_epoch`: the test accuracy to report for this trial",
         [](const TrialRow& r) { return csv_number(r.result.test_accuracy_at_best_val); }},
        {"final_test_accuracy", "number",
         "test accuracy after the last epoch; empty unless `ok` or `collapsed`",
         [](const TrialRow& r) { return csv_number(r.result.final_test_accuracy); }},
        {"best_test_accuracy", "number",
         "highest test accuracy over epochs 0..E (optimistic: chosen on the test set; use "
         "`test_accuracy_at_best_val`); empty unless the test set is evaluated every epoch",
         [](const TrialRow& r) { return csv_number(r.result.best_test_accuracy); }},
        {"final_train_loss", "number",
         "mean training loss of the last epoch; empty unless `ok` or `collapsed`",
         [](const TrialRow& r) { return csv_number(r.result.final_train_loss); }},
        {"epochs_to_target", "integer",
         "first epoch whose validation accuracy (test accuracy without a validation split) >= "
         "`targets.accuracy`; empty if never reached or no target",
         [](const TrialRow& r) { return integer_or_empty(r.result.epochs_to_target); }},
        {"loss_auc", "number",
         "mean over epochs 1..E of the epoch's mean training loss (area under the training curve "
         "per epoch: lower = faster convergence)",
         [](const TrialRow& r) { return csv_number(r.result.loss_auc); }},
        {"dead_fraction_init", "number",
         "`dead_fraction` pooled over all hidden units (dead units / units) at epoch 0",
         [](const TrialRow& r) { return csv_number(r.result.dead_fraction_init); }},
        {"dead_fraction_end", "number",
         "`dead_fraction` pooled over all hidden units at the last completed epoch",
         [](const TrialRow& r) { return csv_number(r.result.dead_fraction_end); }},
        {"network_dead_init", "bool", "`network_dead` at initialisation",
         [](const TrialRow& r) { return flag(r.result.network_dead_init); }},
        {"diverged_step", "integer",
         "for diverged trials: the 1-based optimizer step whose loss was not finite",
         [](const TrialRow& r) { return integer_or_empty(r.result.diverged_step); }},
        {"last_finite_loss", "number", "for diverged trials: the loss of the step before",
         [](const TrialRow& r) { return csv_number(r.result.last_finite_loss); }},
        {"wall_seconds", "number", "the whole trial: building, training, evaluation, statistics",
         [](const TrialRow& r) { return csv_number(r.result.wall_seconds); }},
        {"seconds_per_epoch", "number",
         "mean time of the training steps of an epoch (no evaluation, no statistics)",
         [](const TrialRow& r) { return csv_number(r.result.seconds_per_epoch); }},
        {"samples_per_second", "number", "training examples per second over those steps",
         [](const TrialRow& r) { return csv_number(r.result.samples_per_second); }},
        {"relulab_version", "string", "provenance: relulab's version",
         [](const TrialRow& r) { return r.provenance.relulab_version; }},
        {"git_commit", "string", "provenance: the commit relulab was built from",
         [](const TrialRow& r) { return r.provenance.git_commit; }},
        {"libtorch_version", "string", "provenance: the LibTorch it ran on",
         [](const TrialRow& r) { return r.provenance.libtorch_version; }},
        {"simd_target", "string", "provenance: the CPU kernels' instruction set",
         [](const TrialRow& r) { return r.provenance.simd_target; }},
        {"device", "string", "provenance: where the trial trained",
         [](const TrialRow& r) { return r.result.device; }},
        {"threads", "integer", "provenance: intra-op threads of the trial's process",
         [](const TrialRow& r) { return integer(r.result.threads); }},
    };
    t.insert(t.end(), results.begin(), results.end());
    return t;
  }();
  return table;
}

const std::vector<Column<EpochRow>>& epoch_table() {
  using R = const EpochRow&;
  static const std::vector<Column<EpochRow>> table = {
      {"trial_id", "string", "the trial (trials.csv)", [](R r) { return r.trial.id; }},
      {"epoch", "integer", "epoch 0 is the network as initialised, before any step",
       [](R r) { return integer(r.epoch.epoch); }},
      {"train_loss", "number",
       "epoch 0: on the first `stats.initial_train_examples` training examples (0: all); "
       "epochs >= 1: mean over the epoch's minibatches, as trained (running average)",
       [](R r) { return csv_number(r.epoch.train_loss); }},
      {"train_accuracy", "number", "as `train_loss`, the share classified correctly",
       [](R r) { return csv_number(r.epoch.train_accuracy); }},
      {"test_loss", "number",
       "on the test set after the epoch (cross-entropy, mean per example); by default only "
       "in the rows of the last epoch and of `best_val_epoch` (`stats.test_every_epoch`)",
       [](R r) { return csv_number(r.epoch.test_loss); }},
      {"test_accuracy", "number", "on the test set after the epoch; rows as `test_loss`",
       [](R r) { return csv_number(r.epoch.test_accuracy); }},
      {"val_loss", "number",
       "on the validation split after the epoch (empty without one: data.validation 0)",
       [](R r) { return csv_number(r.epoch.val_loss); }},
      {"val_accuracy", "number", "on the validation split after the epoch",
       [](R r) { return csv_number(r.epoch.val_accuracy); }},
      {"lr", "number", "the epoch's learning rate (empty at epoch 0)",
       [](R r) { return csv_number(r.epoch.lr); }},
      {"seconds", "number",
       "the epoch's training steps (0 at epoch 0), without the validation evaluations of "
       "steps.csv",
       [](R r) { return csv_number(r.epoch.seconds); }},
      {"online_stats_seconds", "number",
       "the part of `seconds` spent on the online statistics (dead-unit tracking and gradient "
       "norms), timed around them",
       [](R r) { return csv_number(r.epoch.online_stats_seconds); }},
  };
  return table;
}

const std::vector<Column<StepRow>>& step_table() {
  using R = const StepRow&;
  static const std::vector<Column<StepRow>> table = {
      {"trial_id", "string", "the trial (trials.csv)", [](R r) { return r.trial.id; }},
      {"step", "integer", "optimizer steps so far (1-based)",
       [](R r) { return integer(r.step.step); }},
      {"epoch", "integer", "the epoch the step belongs to",
       [](R r) { return integer(r.step.epoch); }},
      {"examples", "integer", "training examples seen so far",
       [](R r) { return integer(r.step.examples); }},
      {"train_loss", "number",
       "mean minibatch training loss of the steps since the previous row (as trained)",
       [](R r) { return csv_number(r.step.train_loss); }},
      {"val_accuracy", "number",
       "validation accuracy at this step (stats.evals_per_epoch times per epoch): within an "
       "epoch on the first stats.step_val_examples validation examples, at the epoch's last "
       "step on all of them (= epochs.csv val_accuracy); empty on rows that only log the loss",
       [](R r) { return csv_number(r.step.val_accuracy); }},
  };
  return table;
}

const std::vector<Column<LayerRow>>& layer_table() {
  using R = const LayerRow&;
  static const std::vector<Column<LayerRow>> table = {
      {"trial_id", "string", "the trial (trials.csv)", [](R r) { return r.trial.id; }},
      {"epoch", "integer", "as in epochs.csv", [](R r) { return integer(r.layer.epoch); }},
      {"layer", "integer", "hidden layers counted from the input, from 0",
       [](R r) { return integer(r.layer.layer); }},
      {"kind", "string", "`linear` or `conv`", [](R r) { return r.layer.kind; }},
      {"units", "integer", "features (linear) or channels (conv)",
       [](R r) { return integer(r.layer.units); }},
      {"dead_fraction", "number",
       "share of units whose pre-activation is <= 0 for **every** probe example (and every "
       "position): units that ReLU silences for all inputs and that get no gradient through "
       "ReLU. For activations other than ReLU this is the share that *would be* silent under "
       "ReLU (the unit's input never crosses 0); it does not mean the unit is inactive under "
       "that activation",
       [](R r) { return csv_number(r.layer.dead_fraction); }},
      {"dead_fraction_epoch", "number",
       "share of units whose pre-activation was <= 0 for every training example seen during "
       "that epoch, tracked online during training (one max-reduction per layer per step); "
       "empty at epoch 0 and with `stats.online_dead: false`. Unlike `dead_fraction` it sees "
       "the weights as they changed during the epoch",
       [](R r) { return csv_number(r.layer.dead_fraction_epoch); }},
      {"saturated_fraction", "number",
       "share of units whose activation derivative is below 1% of that unit's largest possible "
       "derivative for every probe example (and position). The largest derivative is measured "
       "on a grid over [-20, 20] (4001 points plus +-1e-6): 1 for ReLU, 0.25 for sigmoid, 1 for "
       "tanh, max(1, abs(slope)) for (P)ReLU variants, 1.7581 for SELU. Counts dead ReLU units "
       "and saturated sigmoid/tanh units alike",
       [](R r) { return csv_number(r.layer.saturated_fraction); }},
      {"negative_fraction", "number",
       "share of all pre-activation values (examples x units x positions) that are < 0: the "
       "sparsity ReLU would produce",
       [](R r) { return csv_number(r.layer.negative_fraction); }},
      {"grad_norm", "number",
       "L2 norm of the layer's weight gradient, averaged over the epoch's steps (empty at epoch "
       "0): vanishing (small in early layers) or exploding gradients",
       [](R r) { return csv_number(r.layer.grad_norm); }},
      {"preact_grad_norm", "number",
       "the loss's gradient with respect to the layer's pre-activations, per unit: "
       "||dL/dz||_F / sqrt(units) over the minibatch (and positions), averaged over the "
       "epoch's steps; empty at epoch 0 and with `stats.online_dead: false`. Unlike "
       "`grad_norm` (weight gradients, which scale with fan-in) it compares across layers: "
       "layer 0 / last layer much below 1 = vanishing gradients",
       [](R r) { return csv_number(r.layer.preact_grad_norm); }},
      {"weight_norm", "number", "L2 (Frobenius) norm of the layer's weight after the epoch",
       [](R r) { return csv_number(r.layer.weight_norm); }},
      {"slope_mean", "number", "PReLU only: the mean of the layer's learned slopes",
       [](R r) { return csv_number(r.layer.slope_mean); }},
      {"slope_min", "number", "PReLU only: the smallest learned slope",
       [](R r) { return csv_number(r.layer.slope_min); }},
      {"slope_max", "number", "PReLU only: the largest learned slope",
       [](R r) { return csv_number(r.layer.slope_max); }},
      {"network_dead", "bool",
       "the network's output is constant over the probe set: for every output, max - min <= "
       "1e-6 * (1 + max abs(output)). Lu et al. (2019)'s \"born dead\" network when true at "
       "epoch 0; the same for every layer row of an epoch",
       [](R r) { return flag(r.layer.network_dead); }},
  };
  return table;
}

namespace {

template <class Row>
void append_markdown(std::ostringstream& out, const std::string& file,
                     const std::vector<Column<Row>>& table) {
  out << "### " << file << "\n\n| column | type | meaning |\n|---|---|---|\n";
  bool config_listed = false;
  for (const auto& c : table) {
    if (c.type == kConfigType) {
      if (config_listed) continue;
      config_listed = true;
      out << "| `activation`, `seed`, `data.*`, `model.*`, `train.*`, `targets.*`, `stats.*` | "
             "as configured | every configuration key (docs/config.md), one column each; "
             "`activation` is a label like `leaky_relu(negative_slope=0.2)` |\n";
      continue;
    }
    out << "| `" << c.name << "` | " << c.type << " | " << c.meaning << " |\n";
  }
  out << "\n";
}

}  // namespace

std::string columns_markdown() {
  std::ostringstream out;
  append_markdown(out, "trials.csv", trial_table());
  append_markdown(out, "epochs.csv", epoch_table());
  append_markdown(out, "steps.csv", step_table());
  append_markdown(out, "layers.csv", layer_table());
  return out.str();
}

}  // namespace lab
}  // namespace relulab
