// Runs one trial: builds the network, trains it, and measures it at
// initialisation and after every epoch.
#pragma once

#include <functional>

#include "lab/config/trial_config.h"
#include "lab/data/dataset.h"
#include "lab/train/trial_result.h"

namespace relulab {
namespace lab {

/// Called after each epoch (0 = initialisation) with the epoch number.
using EpochCallback = std::function<void(int64_t epoch)>;

/// Never throws for problems of the trial itself: a non-finite loss ends it
/// as "diverged", an exception as "failed" with the message; records up to
/// that point are kept. Deterministic for a given config and seed on CPU.
TrialResult run_trial(const TrialConfig& config, const Dataset& data,
                      const EpochCallback& on_epoch = nullptr);

}  // namespace lab
}  // namespace relulab
