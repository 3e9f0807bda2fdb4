// `relulab bench`: times every operator's forward and backward, relulab's
// kernels against LibTorch's built-ins and against a plain copy_ of the same
// bytes, on the CPU or (--device cuda) a GPU, and writes a CSV.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace relulab {
namespace bench {

struct KernelBenchOptions {
  /// Tensor sizes in float32 elements.
  std::vector<int64_t> elements = {256 * 1024, 4 * 1024 * 1024, 16 * 1024 * 1024};
  /// Intra-op thread counts to run with.
  std::vector<int> threads = {1, 2};
  /// Timed repetitions per measurement; the median is reported.
  int repetitions = 11;
  /// Only these ops (empty: all).
  std::vector<std::string> ops;
  /// CSV output path ("" to skip).
  std::string csv_path = "results/bench/kernels.csv";
  /// "cpu", or "cuda" (timed with CUDA events; needs a CUDA build and a GPU).
  std::string device = "cpu";
  /// Element types: "float32" and, on CUDA, "bfloat16" / "float16" (empty:
  /// float32 on the CPU, float32 and bfloat16 on CUDA).
  std::vector<std::string> dtypes;
};

/// The defaults for a device: the CPU's sizes fit its caches' story (L3 at
/// 4M floats), the GPU's reach bandwidth (16M, 64M, 256M).
KernelBenchOptions default_options(const std::string& device);

/// Runs the benchmark, prints the table and the target check; returns the
/// number of targets missed (the process exit status is 0 regardless).
int run_kernel_bench(const KernelBenchOptions& options);

}  // namespace bench
}  // namespace relulab
