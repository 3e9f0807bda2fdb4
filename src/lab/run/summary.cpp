// Summary table: see summary.h.

#include "lab/run/summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>

#include "lab/config/schema.h"

namespace relulab {
namespace lab {
namespace {

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? std::nan("") : s / v.size();
}

double ci95(const std::vector<double>& v) {
  if (v.size() < 2) return std::nan("");
  const double m = mean(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return t_quantile_975(static_cast<int64_t>(v.size()) - 1) * std::sqrt(ss / (v.size() - 1)) /
         std::sqrt(static_cast<double>(v.size()));
}

double number(const std::string& s) { return s.empty() ? std::nan("") : std::stod(s); }

}  // namespace

double t_quantile_975(int64_t df) {
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) throw std::invalid_argument("t_quantile_975: df must be >= 1");
  if (df <= 30) return table[df - 1];
  // Beyond 30: the normal quantile plus the first Cornish-Fisher term.
  const double z = 1.959964;
  return z + (z * z * z + z) / (4.0 * df);
}

std::vector<SummaryRow> summarise(const std::vector<CsvRow>& rows) {
  if (rows.empty()) return {};
  const auto& header = rows[0];
  // A column's index; header.size() where the file has no such column.
  const auto find_col = [&](const std::string& name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const auto col = [&](const std::string& name) {
    const size_t c = find_col(name);
    if (c == header.size()) throw std::runtime_error("trials.csv has no column " + name);
    return c;
  };
  // Configuration = every config column but the seed.
  std::vector<size_t> config_cols;
  std::vector<std::string> config_names;
  for (const auto& spec : config_schema()) {
    if (spec.key == "seed") continue;
    config_cols.push_back(col(spec.key));
    config_names.push_back(spec.key);
  }
  struct Group {
    std::vector<std::string> config;
    std::vector<double> selection;  // what picks the best configuration
    std::vector<double> accuracy, epochs_to_target, dead_end, seconds_per_epoch;
    int64_t trials = 0, reached = 0;
  };
  const size_t arch = col("model.arch"), act = col("activation"), status = col("status"),
               final_acc = col("final_test_accuracy"), ett = col("epochs_to_target"),
               dead = col("dead_fraction_end"), spe = col("seconds_per_epoch");
  // Configurations are chosen on validation accuracy and reported with the
  // test accuracy at the validation-chosen epoch, where the trials have a
  // validation split; on the test accuracy otherwise (older results,
  // data.validation: 0).
  const size_t best_val = find_col("best_val_accuracy"),
               test_at_best_val = find_col("test_accuracy_at_best_val");
  std::map<std::pair<std::string, std::string>, std::map<std::vector<std::string>, Group>>
      by_activation;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    std::vector<std::string> config;
    for (size_t c : config_cols) config.push_back(row[c]);
    auto& g = by_activation[{row[arch], row[act]}][config];
    g.config = config;
    ++g.trials;
    if (row[status] != "ok") continue;
    const bool validated = best_val < row.size() && test_at_best_val < row.size() &&
                           !row[best_val].empty() && !row[test_at_best_val].empty();
    g.selection.push_back(number(row[validated ? best_val : final_acc]));
    g.accuracy.push_back(number(row[validated ? test_at_best_val : final_acc]));
    if (!row[ett].empty()) {
      ++g.reached;
      g.epochs_to_target.push_back(number(row[ett]));
    }
    g.dead_end.push_back(number(row[dead]));
    g.seconds_per_epoch.push_back(number(row[spe]));
  }
  std::vector<SummaryRow> out;
  for (const auto& [key, groups] : by_activation) {
    const Group* best = nullptr;
    for (const auto& [config, g] : groups) {
      if (!best || (!g.selection.empty() && !(mean(g.selection) <= mean(best->selection)))) {
        best = &g;
      }
    }
    // Name the keys that vary between this activation's configurations.
    std::string setting;
    for (size_t c = 0; c < config_names.size(); ++c) {
      std::set<std::string> values;
      for (const auto& [config, g] : groups) values.insert(config[c]);
      if (values.size() > 1)
        setting += (setting.empty() ? "" : " ") + config_names[c] + "=" + best->config[c];
    }
    SummaryRow s;
    s.arch = key.first;
    s.activation = key.second;
    s.best_setting = setting;
    s.seeds = static_cast<int64_t>(best->accuracy.size());
    s.trials = best->trials;
    s.accuracy_mean = mean(best->accuracy);
    s.accuracy_ci95 = ci95(best->accuracy);
    s.epochs_to_target_mean = mean(best->epochs_to_target);
    s.reached_target = best->reached;
    s.dead_fraction_end = mean(best->dead_end);
    s.seconds_per_epoch = mean(best->seconds_per_epoch);
    out.push_back(s);
  }
  std::sort(out.begin(), out.end(), [](const SummaryRow& a, const SummaryRow& b) {
    return a.arch != b.arch ? a.arch < b.arch : a.accuracy_mean > b.accuracy_mean;
  });
  return out;
}

std::string format_summary(const std::vector<SummaryRow>& summary) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof(line), "%-5s %-34s %-22s %5s %17s %13s %9s %8s\n", "arch",
                "activation", "best setting", "seeds", "test acc (95% CI)", "epochs->target",
                "dead end", "s/epoch");
  out += line;
  for (const auto& s : summary) {
    char acc[64], ett[64];
    if (std::isnan(s.accuracy_ci95)) {
      std::snprintf(acc, sizeof(acc), "%.4f", s.accuracy_mean);
    } else {
      std::snprintf(acc, sizeof(acc), "%.4f +- %.4f", s.accuracy_mean, s.accuracy_ci95);
    }
    if (s.reached_target == 0) {
      std::snprintf(ett, sizeof(ett), "- (0/%lld)", static_cast<long long>(s.seeds));
    } else {
      std::snprintf(ett, sizeof(ett), "%.1f (%lld/%lld)", s.epochs_to_target_mean,
                    static_cast<long long>(s.reached_target), static_cast<long long>(s.seeds));
    }
    std::snprintf(line, sizeof(line), "%-5s %-34s %-22s %2lld/%-2lld %17s %13s %9.3f %8.2f\n",
                  s.arch.c_str(), s.activation.c_str(), s.best_setting.c_str(),
                  static_cast<long long>(s.seeds), static_cast<long long>(s.trials), acc, ett,
                  s.dead_fraction_end, s.seconds_per_epoch);
    out += line;
  }
  return out;
}

}  // namespace lab
}  // namespace relulab
