// Short names for trials: the values that vary across a sweep's trials.
#pragma once

#include <string>
#include <vector>

#include "lab/config/sweep.h"

namespace relulab {
namespace lab {

/// The keys whose values differ between the sweep's trials.
std::vector<std::string> varying_keys(const Sweep& sweep);

/// "activation=relu train.lr=0.1": the trial's values of `keys` (its id if none).
std::string trial_label(const Trial& t, const std::vector<std::string>& keys);

/// One line per trial: index, id and the values that vary across trials.
std::string describe_trials(const Sweep& sweep);

}  // namespace lab
}  // namespace relulab
