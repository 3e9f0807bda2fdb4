// The columns of the three result CSVs, one table per file: each column's
// name, type, meaning and how a row's value is written. The writer
// (trial_records.cpp), the reader's header check and docs/statistics.md
// (`relulab columns`, checked by a test) all use these tables, so a column
// cannot be written without being documented or be read in the wrong place.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "lab/config/sweep.h"
#include "lab/output/csv.h"
#include "lab/output/provenance.h"
#include "lab/train/trial_result.h"

namespace relulab {
namespace lab {

template <class Row>
struct Column {
  std::string name;
  std::string type;  // string, integer, number (empty = not applicable), bool
  std::string meaning;
  std::function<std::string(const Row&)> value;
};

/// What one row of each file is written from.
struct TrialRow {
  const Sweep& sweep;
  const Trial& trial;
  const TrialResult& result;
  const Provenance& provenance;
};
struct EpochRow {
  const Trial& trial;
  const EpochRecord& epoch;
};
struct StepRow {
  const Trial& trial;
  const StepRecord& step;
};
struct LayerRow {
  const Trial& trial;
  const LayerRecord& layer;
};

/// trials.csv: one row per trial (its configuration keys expanded in place).
const std::vector<Column<TrialRow>>& trial_table();
/// epochs.csv: one row per trial and epoch.
const std::vector<Column<EpochRow>>& epoch_table();
/// steps.csv: one row per trial every stats.log_every_steps steps and at each
/// validation evaluation within an epoch.
const std::vector<Column<StepRow>>& step_table();
/// layers.csv: one row per trial, epoch and hidden layer.
const std::vector<Column<LayerRow>>& layer_table();

template <class Row>
std::vector<std::string> column_names(const std::vector<Column<Row>>& table) {
  std::vector<std::string> names;
  for (const auto& c : table) names.push_back(c.name);
  return names;
}

template <class Row>
CsvRow row_values(const std::vector<Column<Row>>& table, const Row& row) {
  CsvRow values;
  for (const auto& c : table) values.push_back(c.value(row));
  return values;
}

/// Every file's columns as Markdown tables (column, type, meaning), for
/// docs/statistics.md.
std::string columns_markdown();

}  // namespace lab
}  // namespace relulab
