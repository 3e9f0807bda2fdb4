// The kernel benchmark: see kernel_bench.h.
//
// Note [Keeping the allocator out of kernel timings]
// Each op returns a fresh tensor. A fresh multi-MB block from glibc is an
// mmap whose first touch page-faults (50-100 ms per 16-64 MB here), which
// would swamp every kernel. mallopt() keeps large blocks on the heap and
// stops trimming, so after the warm-up every output reuses already-faulted
// memory, for relulab's ops and LibTorch's alike. copy_ writes into a
// preallocated tensor.

#include "kernel_bench.h"

#include <malloc.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "relulab/relulab.h"
#include "ops/cpu/kernels.h"

namespace relulab {
namespace bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace F = torch::nn::functional;

enum class Direction { kForward, kBackward, kTrainStep };

const char* to_string(Direction d) {
  switch (d) {
    case Direction::kForward: return "forward";
    case Direction::kBackward: return "backward";
    case Direction::kTrainStep: return "fwd+bwd(autograd)";
  }
  return "?";
}

// Memory streams each direction moves, in units of the input's bytes: a
// forward reads x and writes y (2, as copy_); a backward reads grad and the
// saved tensor and writes grad_in (3); a training step does both (5).
double streams(Direction d) {
  switch (d) {
    case Direction::kForward: return 2.0;
    case Direction::kBackward: return 3.0;
    case Direction::kTrainStep: return 5.0;
  }
  return 2.0;
}

// The targets at 4M elements, 1 thread, as a multiple of copy_ time
// scaled to the same bytes (ratio_to_copy): 1.2 for the ReLU family, 2x that
// for transcendental ops.
double target_ratio(const std::string& op) {
  static const std::vector<std::string> transcendental = {
      "gelu", "gelu_tanh", "tanh", "sigmoid", "elu", "selu", "silu"};
  return std::find(transcendental.begin(), transcendental.end(), op) != transcendental.end()
             ? 2.4
             : 1.2;
}

struct Inputs {
  at::Tensor x, grad, y_relu, y_sigmoid, y_tanh, weight_shared, weight_channels, noise;
};

// One op: forward and backward for relulab and LibTorch.
struct BenchOp {
  std::string name;
  std::function<at::Tensor(const Inputs&)> ours_forward, torch_forward;
  std::function<at::Tensor(const Inputs&)> ours_backward, torch_backward;
  // Autograd: the module path a training loop takes.
  std::function<at::Tensor(const at::Tensor&, const Inputs&)> ours_module, torch_module;
  bool rng_bound = false;  // training-mode RReLU draws a random slope per element
};

std::vector<BenchOp> bench_ops() {
  const double selu_alpha = ops::kSeluAlpha, selu_scale = ops::kSeluScale;
  std::vector<BenchOp> list = {
      {"relu", [](const Inputs& in) { return ops::relu(in.x); },
       [](const Inputs& in) { return torch::relu(in.x); },
       [](const Inputs& in) { return ops::relu_backward(in.grad, in.y_relu); },
       [](const Inputs& in) { return at::threshold_backward(in.grad, in.y_relu, 0); },
       [](const at::Tensor& x, const Inputs&) { return ops::relu(x); },
       [](const at::Tensor& x, const Inputs&) { return torch::relu(x); }},
      {"leaky_relu", [](const Inputs& in) { return ops::leaky_relu(in.x, 0.01); },
       [](const Inputs& in) { return at::leaky_relu(in.x, 0.01); },
       [](const Inputs& in) { return ops::leaky_relu_backward(in.grad, in.x, 0.01); },
       [](const Inputs& in) { return at::leaky_relu_backward(in.grad, in.x, 0.01, false); },
       [](const at::Tensor& x, const Inputs&) { return ops::leaky_relu(x, 0.01); },
       [](const at::Tensor& x, const Inputs&) { return at::leaky_relu(x, 0.01); }},
      {"prelu_shared", [](const Inputs& in) { return ops::prelu(in.x, in.weight_shared); },
       [](const Inputs& in) { return torch::prelu(in.x, in.weight_shared); },
       [](const Inputs& in) { return std::get<0>(ops::prelu_backward(in.grad, in.x, in.weight_shared)); },
       [](const Inputs& in) { return std::get<0>(at::prelu_backward(in.grad, in.x, in.weight_shared)); },
       [](const at::Tensor& x, const Inputs& in) { return ops::prelu(x, in.weight_shared); },
       [](const at::Tensor& x, const Inputs& in) { return torch::prelu(x, in.weight_shared); }},
      {"prelu_channels", [](const Inputs& in) { return ops::prelu(in.x, in.weight_channels); },
       [](const Inputs& in) { return torch::prelu(in.x, in.weight_channels); },
       [](const Inputs& in) { return std::get<0>(ops::prelu_backward(in.grad, in.x, in.weight_channels)); },
       [](const Inputs& in) { return std::get<0>(at::prelu_backward(in.grad, in.x, in.weight_channels)); },
       [](const at::Tensor& x, const Inputs& in) { return ops::prelu(x, in.weight_channels); },
       [](const at::Tensor& x, const Inputs& in) { return torch::prelu(x, in.weight_channels); }},
      {"gelu", [](const Inputs& in) { return ops::gelu(in.x); },
       [](const Inputs& in) { return torch::gelu(in.x); },
       [](const Inputs& in) { return ops::gelu_backward(in.grad, in.x); },
       [](const Inputs& in) { return at::gelu_backward(in.grad, in.x); },
       [](const at::Tensor& x, const Inputs&) { return ops::gelu(x); },
       [](const at::Tensor& x, const Inputs&) { return torch::gelu(x); }},
      {"gelu_tanh", [](const Inputs& in) { return ops::gelu(in.x, "tanh"); },
       [](const Inputs& in) { return torch::gelu(in.x, "tanh"); },
       [](const Inputs& in) { return ops::gelu_backward(in.grad, in.x, "tanh"); },
       [](const Inputs& in) { return at::gelu_backward(in.grad, in.x, "tanh"); },
       [](const at::Tensor& x, const Inputs&) { return ops::gelu(x, "tanh"); },
       [](const at::Tensor& x, const Inputs&) { return torch::gelu(x, "tanh"); }},
      {"sigmoid", [](const Inputs& in) { return ops::sigmoid(in.x); },
       [](const Inputs& in) { return torch::sigmoid(in.x); },
       [](const Inputs& in) { return ops::sigmoid_backward(in.grad, in.y_sigmoid); },
       [](const Inputs& in) { return at::sigmoid_backward(in.grad, in.y_sigmoid); },
       [](const at::Tensor& x, const Inputs&) { return ops::sigmoid(x); },
       [](const at::Tensor& x, const Inputs&) { return torch::sigmoid(x); }},
      {"tanh", [](const Inputs& in) { return ops::tanh(in.x); },
       [](const Inputs& in) { return torch::tanh(in.x); },
       [](const Inputs& in) { return ops::tanh_backward(in.grad, in.y_tanh); },
       [](const Inputs& in) { return at::tanh_backward(in.grad, in.y_tanh); },
       [](const at::Tensor& x, const Inputs&) { return ops::tanh(x); },
       [](const at::Tensor& x, const Inputs&) { return torch::tanh(x); }},
      {"elu", [](const Inputs& in) { return ops::elu(in.x); },
       [](const Inputs& in) { return torch::elu(in.x); },
       [](const Inputs& in) { return ops::elu_backward(in.grad, in.x, 1.0, 1.0, 1.0); },
       [](const Inputs& in) { return at::elu_backward(in.grad, 1.0, 1.0, 1.0, false, in.x); },
       [](const at::Tensor& x, const Inputs&) { return ops::elu(x); },
       [](const at::Tensor& x, const Inputs&) { return torch::elu(x); }},
      {"selu", [](const Inputs& in) { return ops::selu(in.x); },
       [](const Inputs& in) { return torch::selu(in.x); },
       [](const Inputs& in) { return ops::selu_backward(in.grad, in.x); },
       [=](const Inputs& in) {
         return at::elu_backward(in.grad, selu_alpha, selu_scale, 1.0, false, in.x);
       },
       [](const at::Tensor& x, const Inputs&) { return ops::selu(x); },
       [](const at::Tensor& x, const Inputs&) { return torch::selu(x); }},
      {"silu", [](const Inputs& in) { return ops::silu(in.x); },
       [](const Inputs& in) { return torch::silu(in.x); },
       [](const Inputs& in) { return ops::silu_backward(in.grad, in.x); },
       [](const Inputs& in) { return at::silu_backward(in.grad, in.x); },
       [](const at::Tensor& x, const Inputs&) { return ops::silu(x); },
       [](const at::Tensor& x, const Inputs&) { return torch::silu(x); }},
      {"rrelu_eval", [](const Inputs& in) { return ops::rrelu(in.x, 0.125, 1.0 / 3, false); },
       [](const Inputs& in) { return torch::rrelu(in.x, 0.125, 1.0 / 3, false); },
       [](const Inputs& in) {
         return ops::rrelu_backward(in.grad, in.x, in.noise, 0.125, 1.0 / 3, false);
       },
       [](const Inputs& in) {
         return at::rrelu_with_noise_backward(in.grad, in.x, in.noise, 0.125, 1.0 / 3, false, false);
       },
       [](const at::Tensor& x, const Inputs&) { return ops::rrelu(x, 0.125, 1.0 / 3, false); },
       [](const at::Tensor& x, const Inputs&) { return torch::rrelu(x, 0.125, 1.0 / 3, false); }},
      {"rrelu_train", [](const Inputs& in) { return ops::rrelu(in.x, 0.125, 1.0 / 3, true); },
       [](const Inputs& in) { return torch::rrelu(in.x, 0.125, 1.0 / 3, true); },
       [](const Inputs& in) {
         return ops::rrelu_backward(in.grad, in.x, in.noise, 0.125, 1.0 / 3, true);
       },
       [](const Inputs& in) {
         return at::rrelu_with_noise_backward(in.grad, in.x, in.noise, 0.125, 1.0 / 3, true, false);
       },
       [](const at::Tensor& x, const Inputs&) { return ops::rrelu(x, 0.125, 1.0 / 3, true); },
       [](const at::Tensor& x, const Inputs&) { return torch::rrelu(x, 0.125, 1.0 / 3, true); },
       /*rng_bound=*/true},
  };
  return list;
}

// Note [Cold caches]
// At 4M floats a tensor is 16 MB and this CPU's L3 is 32 MB: whichever
// function runs second would find the first one's inputs still cached (that
// once made LibTorch's relu backward look 20% faster than ours, and ours
// faster than copy_). Every timed call therefore starts from caches swept by
// reading a buffer twice the L3's size, so all contenders start cold.
void sweep_caches() {
  static const at::Tensor sweep = torch::ones({32 * 1024 * 1024});  // 128 MB
  volatile float sink = sweep.sum().item<float>();
  (void)sink;
}

// Median wall times (ns) of several functions, run in interleaved rounds (in
// rotating order) so that the machine's drifting load (it is shared) hits
// all of them alike.
// Warm-up rounds also fault in the memory the outputs will reuse.
std::vector<double> interleaved_median_ns(const std::vector<std::function<void()>>& fns,
                                          int repetitions) {
  for (int i = 0; i < 2; ++i) {
    for (const auto& fn : fns) fn();
  }
  std::vector<std::vector<double>> times(fns.size());
  for (int r = 0; r < repetitions; ++r) {
    // Rotate who goes first, so no contender always follows the same one.
    for (size_t i = 0; i < fns.size(); ++i) {
      const size_t k = (i + r) % fns.size();
      sweep_caches();
      const auto start = Clock::now();
      fns[k]();
      times[k].push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count());
    }
  }
  std::vector<double> medians;
  for (auto& t : times) {
    std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
    medians.push_back(t[t.size() / 2]);
  }
  return medians;
}

// (N, 64, 32, 32) with N * 65536 == elements where possible: a conv-like
// shape, so per-channel PReLU has 64 channels of 1024 elements.
std::vector<int64_t> shape_for(int64_t elements) {
  if (elements % 65536 == 0) return {elements / 65536, 64, 32, 32};
  return {elements};
}

struct Row {
  std::string op, direction, impl;
  int64_t elements;
  int threads;
  double median_ns, gb_per_s, ratio_to_copy;
};

}  // namespace

int run_kernel_bench(const KernelBenchOptions& options) {
  // See Note [Keeping the allocator out of kernel timings]. M_MMAP_MAX = 0
  // rather than a high M_MMAP_THRESHOLD, which glibc caps at 32 MB.
  const bool heap_only = mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, -1) == 1;
  torch::manual_seed(0);
  if (getenv("RELULAB_NO_AVX512")) cpu::disable_avx512();

  std::vector<BenchOp> ops_to_run;
  for (auto& op : bench_ops()) {
    if (options.ops.empty() ||
        std::find(options.ops.begin(), options.ops.end(), op.name) != options.ops.end()) {
      ops_to_run.push_back(std::move(op));
    }
  }
  std::cout << "relulab " << kVersion << " kernel benchmark: CPU kernels use "
            << ops::cpu_simd_target() << "; median of " << options.repetitions
            << " runs; ratio_to_copy = time / (copy_ time of the same bytes)"
            << (heap_only ? "" : "; WARNING: mallopt failed, timings include page faults") << "\n";

  std::vector<Row> rows;
  for (const int64_t n : options.elements) {
    Inputs in;
    const auto shape = shape_for(n);
    in.x = torch::randn(shape);
    in.grad = torch::randn(shape);
    in.y_relu = torch::relu(in.x);
    in.y_sigmoid = torch::sigmoid(in.x);
    in.y_tanh = torch::tanh(in.x);
    in.weight_shared = torch::full({1}, 0.25);
    in.weight_channels = torch::full({shape.size() > 1 ? shape[1] : 1}, 0.25);
    in.noise = std::get<1>(ops::rrelu_with_noise(in.x, 0.125, 1.0 / 3, true));
    const at::Tensor copy_src = torch::randn({n});
    at::Tensor copy_dst = torch::empty({n});
    const double bytes = static_cast<double>(n) * sizeof(float);
    const std::function<void()> copy = [&] { copy_dst.copy_(copy_src); };
    for (const int threads : options.threads) {
      at::set_num_threads(threads);
      std::vector<double> copy_times;
      for (const auto& op : ops_to_run) {
        for (const Direction dir : {Direction::kForward, Direction::kBackward, Direction::kTrainStep}) {
          std::vector<std::function<void()>> fns = {copy};
          for (const bool ours : {true, false}) {
            if (dir == Direction::kForward) {
              fns.push_back([&, ours] { (ours ? op.ours_forward : op.torch_forward)(in); });
            } else if (dir == Direction::kBackward) {
              fns.push_back([&, ours] { (ours ? op.ours_backward : op.torch_backward)(in); });
            } else {
              const auto x = in.x.detach().clone().requires_grad_(true);
              fns.push_back([&, x, ours] {
                auto y = (ours ? op.ours_module : op.torch_module)(x, in);
                y.backward(in.grad);
                x.mutable_grad().reset();
              });
            }
          }
          const auto t = interleaved_median_ns(fns, options.repetitions);
          copy_times.push_back(t[0]);
          const double moved = streams(dir) * bytes;
          const double copy_same_bytes = t[0] * streams(dir) / 2.0;
          rows.push_back({op.name, to_string(dir), "relulab", n, threads, t[1], moved / t[1],
                          t[1] / copy_same_bytes});
          rows.push_back({op.name, to_string(dir), "libtorch", n, threads, t[2], moved / t[2],
                          t[2] / copy_same_bytes});
        }
      }
      if (!copy_times.empty()) {
        std::sort(copy_times.begin(), copy_times.end());
        const double copy_median = copy_times[copy_times.size() / 2];
        rows.push_back({"copy_", "forward", "copy_", n, threads, copy_median,
                        2 * bytes / copy_median, 1.0});
      }
    }
  }
  at::set_num_threads(1);

  // The table: one line per (op, direction, elements, threads).
  std::map<std::tuple<std::string, std::string, int64_t, int>, std::pair<const Row*, const Row*>> pairs;
  for (const auto& r : rows) {
    auto& p = pairs[{r.op, r.direction, r.elements, r.threads}];
    (r.impl == "libtorch" ? p.second : p.first) = &r;
  }
  std::cout << std::left << std::setw(15) << "op" << std::setw(19) << "direction" << std::right
            << std::setw(10) << "elements" << std::setw(4) << "thr" << std::setw(12) << "relulab ms"
            << std::setw(12) << "torch ms" << std::setw(9) << "speedup" << std::setw(9) << "GB/s"
            << std::setw(9) << "x copy" << "\n";
  for (const auto& [key, p] : pairs) {
    const Row& ours = *p.first;
    std::cout << std::left << std::setw(15) << ours.op << std::setw(19) << ours.direction
              << std::right << std::setw(10) << ours.elements << std::setw(4) << ours.threads
              << std::fixed << std::setprecision(3) << std::setw(12) << ours.median_ns / 1e6;
    if (p.second) {
      std::cout << std::setw(12) << p.second->median_ns / 1e6 << std::setprecision(2)
                << std::setw(9) << p.second->median_ns / ours.median_ns;
    } else {
      std::cout << std::setw(12) << "" << std::setw(9) << "";
    }
    std::cout << std::setprecision(1) << std::setw(9) << ours.gb_per_s << std::setprecision(2)
              << std::setw(9) << ours.ratio_to_copy << "\n";
  }

  // The targets: 4M elements, 1 thread.
  int missed = 0;
  std::cout << "\nTargets at 4M float32 elements, 1 thread (ratio_to_copy <= limit, and "
               "not slower than LibTorch):\n";
  for (const auto& [key, p] : pairs) {
    const auto& [op, direction, n, threads] = key;
    if (n != 4 * 1024 * 1024 || threads != 1 || op == "copy_" || direction == to_string(Direction::kTrainStep)) continue;
    const bool rng = op == "rrelu_train" && direction == "forward";
    const double limit = target_ratio(op);
    const bool fast_enough = rng || p.first->ratio_to_copy <= limit;
    const bool beats_torch = !p.second || p.first->median_ns <= p.second->median_ns * 1.02;
    missed += !(fast_enough && beats_torch);
    std::cout << "  " << std::left << std::setw(15) << op << std::setw(10) << direction << std::right
              << std::fixed << std::setprecision(2) << " x copy " << std::setw(5)
              << p.first->ratio_to_copy << " (limit " << limit << ")  vs LibTorch "
              << std::setw(6) << (p.second ? p.second->median_ns / p.first->median_ns : 0.0)
              << "x faster  " << (fast_enough && beats_torch ? "ok" : "MISSED")
              << (rng ? "  [random slopes per element: RNG-bound, no copy target]" : "") << "\n";
  }
  std::cout << (missed ? std::to_string(missed) + " target(s) missed\n" : "all targets met\n");

  if (!options.csv_path.empty()) {
    std::filesystem::path path(options.csv_path);
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    const auto tmp = path.string() + ".tmp";
    {
      std::ofstream csv(tmp);
      csv << "op,direction,impl,elements,threads,median_ns,gb_per_s,ratio_to_copy,simd_target\n";
      for (const auto& r : rows) {
        csv << r.op << ',' << r.direction << ',' << r.impl << ',' << r.elements << ','
            << r.threads << ',' << std::fixed << std::setprecision(0) << r.median_ns << ','
            << std::setprecision(3) << r.gb_per_s << ',' << std::setprecision(4)
            << r.ratio_to_copy << ',' << ops::cpu_simd_target() << '\n';
      }
    }
    std::filesystem::rename(tmp, path);  // never a torn CSV
    std::cout << "wrote " << path.string() << "\n";
  }
  return missed;
}

}  // namespace bench
}  // namespace relulab
