// Reading IDX files (the MNIST family's format), gzip-compressed, with zlib.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace relulab {
namespace lab {

/// The tensor stored in a .gz IDX file of unsigned bytes (type 0x08), with
/// the dimensions its header declares. Throws std::runtime_error naming the
/// file for a missing, truncated or corrupt file, or one with trailing data.
at::Tensor read_idx_gz(const std::string& path);

}  // namespace lab
}  // namespace relulab
