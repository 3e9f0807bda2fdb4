// Short names for trials: see trial_labels.h.

#include "lab/run/trial_labels.h"

#include <sstream>

namespace relulab {
namespace lab {

std::vector<std::string> varying_keys(const Sweep& sweep) {
  std::vector<std::string> keys;
  if (sweep.trials.empty()) return keys;
  for (const auto& [key, value] : sweep.trials[0].values) {
    for (const auto& t : sweep.trials) {
      if (t.values.at(key) != value) {
        keys.push_back(key);
        break;
      }
    }
  }
  return keys;
}

std::string trial_label(const Trial& t, const std::vector<std::string>& keys) {
  std::string label;
  for (const auto& k : keys) label += (label.empty() ? "" : " ") + k + "=" + t.values.at(k);
  return label.empty() ? t.id : label;
}

std::string describe_trials(const Sweep& sweep) {
  const auto keys = varying_keys(sweep);
  std::ostringstream out;
  for (const auto& t : sweep.trials) {
    out << "  " << t.index << "  " << t.id << "  " << trial_label(t, keys) << "\n";
  }
  return out.str();
}

}  // namespace lab
}  // namespace relulab
