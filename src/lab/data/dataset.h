// The data a trial trains and measures on, built from its DataConfig.
#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

#include "lab/config/trial_config.h"

namespace relulab {
namespace lab {

struct Dataset {
  at::Tensor train_x, train_y;  // float32 inputs (N, ...), int64 labels (N)
  at::Tensor test_x, test_y;
  /// Held out for model selection (data.validation); may be empty.
  at::Tensor val_x, val_y;
  /// Fixed inputs the unit statistics are computed on: training examples
  /// (or fresh Gaussian inputs for the gaussian dataset), the same for every
  /// trial that shares the data configuration.
  at::Tensor probe_x;
  int64_t classes = 0;               // 0: unlabelled (gaussian)
  std::vector<int64_t> input_shape;  // one example's shape, e.g. {1, 28, 28}
};

/// Builds (or reads) the dataset. Throws std::runtime_error with the file
/// and a hint when data is missing or corrupt.
Dataset load_dataset(const DataConfig& config);

}  // namespace lab
}  // namespace relulab
