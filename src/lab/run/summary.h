// The end-of-sweep summary table, computed from trials.csv rows.
#pragma once

#include <string>
#include <vector>

#include "lab/output/csv.h"

namespace relulab {
namespace lab {

/// Two-sided 95% Student t quantile for `df` degrees of freedom (df >= 1).
double t_quantile_975(int64_t df);

struct SummaryRow {
  std::string arch, activation;
  std::string best_setting;  // the varied keys of the best configuration, e.g. "train.lr=0.1"
  int64_t seeds = 0;         // trials of that configuration that finished ok
  int64_t trials = 0;        // all its trials
  double accuracy_mean = 0, accuracy_ci95 = 0;
  double epochs_to_target_mean = 0;
  int64_t reached_target = 0;
  double dead_fraction_end = 0;
  double seconds_per_epoch = 0;
};

/// Per (architecture, activation): the configuration with the best mean
/// final test accuracy, with mean +- 95% CI over its seeds. `rows` is
/// trials.csv including its header row.
std::vector<SummaryRow> summarise(const std::vector<CsvRow>& rows);

/// The table as aligned text.
std::string format_summary(const std::vector<SummaryRow>& summary);

}  // namespace lab
}  // namespace relulab
