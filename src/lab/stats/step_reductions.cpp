// Per-step reductions as loops: see Note [Per-step reductions].

#include "lab/stats/step_reductions.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "lab/avx2_clone.h"

namespace relulab {
namespace lab {
namespace {

// Whether the loops below can read `t` directly. Tensors that require grad
// qualify: the loops only read them, and the CNN's pre-activations and
// logits are autograd outputs (excluding them sent the CNN to ATen).
bool plain_cpu(const at::Tensor& t, at::ScalarType dtype) {
  return t.device().is_cpu() && t.scalar_type() == dtype && t.is_contiguous();
}

// Sixteen independent float32 partial sums (the compiler keeps them in
// vector registers), added into a double every block: accurate to a few
// float ulps of the block sums whatever the tensor's length. An AVX2 clone
// (lab/avx2_clone.h) halves this loop's time.
RELULAB_AVX2_CLONE double sum_of_squares(const float* x, int64_t n) {
  constexpr int64_t kLanes = 16, kBlock = 1024;
  double total = 0;
  int64_t i = 0;
  while (i < n) {
    const int64_t end = std::min(n, i + kBlock);
    float lanes[kLanes] = {};
    for (; i + kLanes <= end; i += kLanes) {
      for (int64_t j = 0; j < kLanes; ++j) lanes[j] += x[i + j] * x[i + j];
    }
    for (; i < end; ++i) lanes[0] += x[i] * x[i];
    double block = 0;
    for (float lane : lanes) block += lane;
    total += block;
  }
  return total;
}

// Whether some of x[0, n) is > 0 and whether some is NaN, OR-ed into the
// flags: integer OR-reductions, which GCC vectorises (a conv layer's
// pre-activations are 1.6 M floats a step in the CNN).
RELULAB_AVX2_CLONE void plane_flags(const float* x, int64_t n, uint8_t* positive, uint8_t* nan) {
  int32_t any_positive = 0, any_nan = 0;
  for (int64_t i = 0; i < n; ++i) {
    any_positive |= x[i] > 0;
    any_nan |= x[i] != x[i];
  }
  *positive |= any_positive != 0;
  *nan |= any_nan != 0;
}

}  // namespace

double l2_norm(const at::Tensor& t) {
  // Any dense layout will do (the weight gradients are transposed views):
  // the sum runs over memory, in whatever order the elements lie.
  if (!t.device().is_cpu() || t.scalar_type() != at::kFloat || !t.is_non_overlapping_and_dense()) {
    return t.detach().norm().item<double>();
  }
  return std::sqrt(sum_of_squares(t.data_ptr<float>(), t.numel()));
}

int64_t count_correct(const at::Tensor& logits, const at::Tensor& labels) {
  if (!plain_cpu(logits, at::kFloat) || !plain_cpu(labels, at::kLong) || logits.dim() != 2 ||
      logits.size(1) == 0) {
    return logits.detach().argmax(1).eq(labels).sum().item<int64_t>();
  }
  const int64_t rows = logits.size(0), classes = logits.size(1);
  const float* row = logits.data_ptr<float>();
  const int64_t* label = labels.data_ptr<int64_t>();
  int64_t correct = 0;
  for (int64_t r = 0; r < rows; ++r, row += classes) {
    int64_t best = 0;
    for (int64_t c = 1; c < classes && !std::isnan(row[best]); ++c) {
      if (std::isnan(row[c]) || row[c] > row[best]) best = c;
    }
    correct += best == label[r];
  }
  return correct;
}

void or_ever_positive(const at::Tensor& pre, at::Tensor& seen) {
  if (!plain_cpu(pre, at::kFloat) || pre.dim() < 2 || pre.numel() == 0 ||
      !plain_cpu(seen, at::kBool)) {
    // unit_stats.cpp's ever_positive, written here rather than called so
    // that this file stays off <torch/torch.h> (which unit_stats.h includes).
    std::vector<int64_t> dims = {0};
    for (int64_t d = 2; d < pre.dim(); ++d) dims.push_back(d);
    seen.logical_or_(pre.detach().amax(dims).gt(0));
    return;
  }
  const int64_t rows = pre.size(0), units = pre.size(1);
  // Per unit over this batch: some element > 0, some element NaN (amax is
  // then NaN, and NaN > 0 is false).
  std::vector<uint8_t> positive(units, 0), nan(units, 0);
  const float* x = pre.data_ptr<float>();
  if (pre.dim() == 2) {
    for (int64_t r = 0; r < rows; ++r, x += units) {
      for (int64_t u = 0; u < units; ++u) {
        positive[u] |= x[u] > 0;
        nan[u] |= x[u] != x[u];
      }
    }
  } else {
    // (N, channels, spatial...): each (example, channel) plane is contiguous.
    const int64_t plane = pre.numel() / (rows * units);
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t u = 0; u < units; ++u, x += plane) plane_flags(x, plane, &positive[u], &nan[u]);
    }
  }
  bool* out = seen.data_ptr<bool>();
  for (int64_t u = 0; u < units; ++u) out[u] = out[u] || (positive[u] && !nan[u]);
}

}  // namespace lab
}  // namespace relulab
