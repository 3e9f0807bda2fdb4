// How PReLU sees its input, on every backend: (outer, channels, inner).
#pragma once

#include <cstdint>

namespace relulab {

/// A tensor viewed as (outer, channels, inner), contiguous, with one PReLU
/// slope per channel (channels == 1 for a shared slope).
struct ChannelLayout {
  int64_t channels = 1;
  int64_t inner = 1;
};

}  // namespace relulab
