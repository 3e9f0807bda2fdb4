// The kernel benchmark: see kernel_bench.h.
//
// Every contender (copy_, relulab, LibTorch) is timed in interleaved rounds
// in rotating order, each call from cold caches; a result is the median of
// the repetitions with its minimum and interquartile range, and two results
// whose interquartile ranges overlap are reported as a tie ("~"): these
// machines swing by +-20% from run to run.
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
#ifdef RELULAB_WITH_CUDA
#include <c10/core/Event.h>
#include <c10/core/impl/VirtualGuardImpl.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "relulab/relulab.h"

#include <ATen/core/dispatch/Dispatcher.h>

#include "ops/op_descriptions.h"
#include "ops/cpu/kernels.h"

namespace relulab {
namespace bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace F = torch::nn::functional;

enum class Direction { kForward, kBackward, kTrainStep };

const char* to_string(Direction d) {
  switch (d) {
    case Direction::kForward:
      return "forward";
    case Direction::kBackward:
      return "backward";
    case Direction::kTrainStep:
      return "fwd+bwd(autograd)";
  }
  return "?";
}

// Memory streams each direction moves, in units of the input's bytes: a
// forward reads x and writes y (2, as copy_); a backward reads grad and the
// saved tensor and writes grad_in (3); a training step does both (5).
double streams(Direction d) {
  switch (d) {
    case Direction::kForward:
      return 2.0;
    case Direction::kBackward:
      return 3.0;
    case Direction::kTrainStep:
      return 5.0;
  }
  return 2.0;
}

// The targets at 4M elements, 1 thread, as a multiple of copy_ time
// scaled to the same bytes (ratio_to_copy): 1.2 for the ReLU family (the
// ops that agree with LibTorch bit for bit, prelu and rrelu: no
// transcendental maths), 2x that for the others.
double target_ratio(const std::string& op) {
  bool transcendental = op == "gelu" || op == "gelu_tanh";
  activations::for_each_activation([&](auto activation) {
    if (op == activation.name)
      transcendental = activation.agreement != activations::Agreement::Bitwise;
  });
  return transcendental ? 2.4 : 1.2;
}

struct Inputs {
  at::Tensor x, grad, weight_shared, weight_channels, noise;
  /// LibTorch's output for each registry op whose backward reads it.
  std::map<std::string, at::Tensor> outputs;
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

// LibTorch's PReLU backward as its autograd runs it, input gradient returned.
// 1.13 has one prelu_backward op; 2.x computes prelu as _prelu_kernel on a
// weight viewed as (C, 1, ...) and reduces the weight gradient afterwards.
at::Tensor torch_prelu_input_grad(const at::Tensor& grad, const at::Tensor& x,
                                  const at::Tensor& w) {
#if TORCH_VERSION_MAJOR >= 2
  at::Tensor w_view = w;
  if (x.dim() >= 2) {
    std::vector<int64_t> shape(x.dim() - 1, 1);
    shape[0] = w.numel();
    w_view = w.reshape(shape);
  }
  auto [grad_input, grad_weight] = at::_prelu_kernel_backward(grad, x, w_view);
  if (grad_weight.sizes() != w_view.sizes()) grad_weight = grad_weight.sum_to_size(w_view.sizes());
  return grad_input;
#else
  return std::get<0>(at::prelu_backward(grad, x, w));
#endif
}

// LibTorch's backward of the registry ops whose ATen backward does not take
// (grad_output, saved, scalars...) as ours does; the others are found by name.
at::Tensor aten_backward_adapter(const std::string& op, const at::Tensor& grad,
                                 const at::Tensor& saved) {
  if (op == "relu") return at::threshold_backward(grad, saved, 0);
  if (op == "leaky_relu") return at::leaky_relu_backward(grad, saved, 0.01, false);
  if (op == "elu") return at::elu_backward(grad, 1.0, 1.0, 1.0, false, saved);
  if (op == "selu") {
    return at::elu_backward(grad, activations::kSeluAlpha, activations::kSeluScale, 1.0, false,
                            saved);
  }
  return at::Tensor();
}

template <typename Signature>
c10::TypedOperatorHandle<Signature> operator_handle(const std::string& name) {
  return c10::Dispatcher::singleton().findSchemaOrThrow(name.c_str(), "").typed<Signature>();
}

template <std::size_t>
using ScalarArg = const at::Scalar&;

// A registry activation (relulab/activations.h) at its default scalars,
// ours and LibTorch's: relulab::<op> against aten::<op> of the same schema.
template <class A, class Indices = std::make_index_sequence<A::num_params>>
struct RegistryCalls;
template <class A, std::size_t... I>
struct RegistryCalls<A, std::index_sequence<I...>> {
  static at::Tensor ours_forward(const at::Tensor& x) {
    static const auto op = operator_handle<at::Tensor(const at::Tensor&, ops::Double<I>...)>(
        std::string("relulab::") + A::name);
    return op.call(x, A::params[I].default_value...);
  }
  static at::Tensor ours_backward(const at::Tensor& grad, const at::Tensor& saved) {
    static const auto op =
        operator_handle<at::Tensor(const at::Tensor&, const at::Tensor&, ops::Double<I>...)>(
            std::string("relulab::") + A::name + "_backward");
    return op.call(grad, saved, A::params[I].default_value...);
  }
  static at::Tensor torch_forward(const at::Tensor& x) {
    static const auto op = operator_handle<at::Tensor(const at::Tensor&, ScalarArg<I>...)>(
        std::string("aten::") + A::name);
    return op.call(x, at::Scalar(A::params[I].default_value)...);
  }
  static at::Tensor torch_backward(const at::Tensor& grad, const at::Tensor& saved) {
    const at::Tensor adapted = aten_backward_adapter(A::name, grad, saved);
    if (adapted.defined()) return adapted;
    static const auto op =
        operator_handle<at::Tensor(const at::Tensor&, const at::Tensor&, ScalarArg<I>...)>(
            std::string("aten::") + A::name + "_backward");
    return op.call(grad, saved, at::Scalar(A::params[I].default_value)...);
  }
  static const at::Tensor& saved(const Inputs& in) {
    return A::saves == activations::Saves::Output ? in.outputs.at(A::name) : in.x;
  }
  static BenchOp row() {
    return {A::name,
            [](const Inputs& in) { return ours_forward(in.x); },
            [](const Inputs& in) { return torch_forward(in.x); },
            [](const Inputs& in) { return ours_backward(in.grad, saved(in)); },
            [](const Inputs& in) { return torch_backward(in.grad, saved(in)); },
            [](const at::Tensor& x, const Inputs&) { return ours_forward(x); },
            [](const at::Tensor& x, const Inputs&) { return torch_forward(x); }};
  }
};

std::vector<BenchOp> bench_ops() {
  std::vector<BenchOp> list;
  activations::for_each_activation(
      [&list](auto activation) { list.push_back(RegistryCalls<decltype(activation)>::row()); });
  std::vector<BenchOp> hand_written = {
      {"prelu_shared", [](const Inputs& in) { return ops::prelu(in.x, in.weight_shared); },
       [](const Inputs& in) { return torch::prelu(in.x, in.weight_shared); },
       [](const Inputs& in) {
         return std::get<0>(ops::prelu_backward(in.grad, in.x, in.weight_shared));
       },
       [](const Inputs& in) { return torch_prelu_input_grad(in.grad, in.x, in.weight_shared); },
       [](const at::Tensor& x, const Inputs& in) { return ops::prelu(x, in.weight_shared); },
       [](const at::Tensor& x, const Inputs& in) { return torch::prelu(x, in.weight_shared); }},
      {"prelu_channels", [](const Inputs& in) { return ops::prelu(in.x, in.weight_channels); },
       [](const Inputs& in) { return torch::prelu(in.x, in.weight_channels); },
       [](const Inputs& in) {
         return std::get<0>(ops::prelu_backward(in.grad, in.x, in.weight_channels));
       },
       [](const Inputs& in) { return torch_prelu_input_grad(in.grad, in.x, in.weight_channels); },
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
      {"rrelu_eval", [](const Inputs& in) { return ops::rrelu(in.x, 0.125, 1.0 / 3, false); },
       [](const Inputs& in) { return torch::rrelu(in.x, 0.125, 1.0 / 3, false); },
       [](const Inputs& in) {
         return ops::rrelu_backward(in.grad, in.x, in.noise, 0.125, 1.0 / 3, false);
       },
       [](const Inputs& in) {
         return at::rrelu_with_noise_backward(in.grad, in.x, in.noise, 0.125, 1.0 / 3, false,
                                              false);
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
  for (auto& op : hand_written) list.push_back(std::move(op));
  return list;
}

// Note [Cold caches]
// At 4M floats a tensor is 16 MB and this CPU's L3 is 32 MB: whichever
// function runs second would find the first one's inputs still cached (that
// once made LibTorch's relu backward look 20% faster than ours, and ours
// faster than copy_). Every timed call therefore starts from caches swept by
// reading a buffer twice the L3's size, so all contenders start cold. On a
// GPU the same is done to the L2 (50-60 MB on H100/H200) with a 256 MB write.

/// Times one call on one device, from cold caches.
class Timer {
 public:
  virtual ~Timer() = default;
  virtual double time_ns(const std::function<void()>& fn) = 0;
};

class CpuTimer : public Timer {
 public:
  double time_ns(const std::function<void()>& fn) override {
    volatile float sink = sweep_.sum().item<float>();
    (void)sink;
    const auto start = Clock::now();
    fn();
    return std::chrono::duration<double, std::nano>(Clock::now() - start).count();
  }

 private:
  const at::Tensor sweep_ = torch::ones({32 * 1024 * 1024});  // 128 MB
};

#ifdef RELULAB_WITH_CUDA
// CUDA events on the current stream: the kernel's time on the device, not
// the launch's on the host.
class CudaTimer : public Timer {
 public:
  CudaTimer()
      : device_(torch::kCUDA, 0),
        stream_(c10::impl::VirtualGuardImpl(c10::DeviceType::CUDA).getStream(device_)),
        flush_(torch::empty({64 * 1024 * 1024}, torch::TensorOptions(device_))) {}

  double time_ns(const std::function<void()>& fn) override {
    c10::Event start(c10::DeviceType::CUDA, c10::EventFlag::BACKEND_DEFAULT);
    c10::Event end(c10::DeviceType::CUDA, c10::EventFlag::BACKEND_DEFAULT);
    flush_.zero_();
    start.record(stream_);
    fn();
    end.record(stream_);
    end.synchronize();
    return start.elapsedTime(end) * 1e6;  // ms -> ns
  }

 private:
  c10::Device device_;
  c10::Stream stream_;
  at::Tensor flush_;
};
#endif

std::unique_ptr<Timer> make_timer(const std::string& device) {
  if (device == "cpu") return std::make_unique<CpuTimer>();
  if (device != "cuda") {
    throw std::invalid_argument("--device must be cpu or cuda, got '" + device + "'");
  }
#ifdef RELULAB_WITH_CUDA
  if (!torch::cuda::is_available()) {
    throw std::runtime_error(
        "--device cuda: no CUDA device is visible (torch::cuda::device_count() = " +
        std::to_string(torch::cuda::device_count()) +
        "). HINT: run it on a GPU machine (scripts/gpu/check does)");
  }
  return std::make_unique<CudaTimer>();
#else
  throw std::runtime_error(
      "--device cuda: this relulab was built against a LibTorch without CUDA "
      "kernels. HINT: build with RELULAB_LIBTORCH=pip scripts/setup (environment.md)");
#endif
}

/// The repetitions of one measurement, summarised.
struct Samples {
  double median = 0, min = 0, max = 0, q1 = 0, q3 = 0;
};

double quantile(std::vector<double> sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
}

Samples summarize(std::vector<double> t) {
  std::sort(t.begin(), t.end());
  return {quantile(t, 0.5), t.front(), t.back(), quantile(t, 0.25), quantile(t, 0.75)};
}

/// Two measurements are a tie when their interquartile ranges overlap.
bool within_spread(const Samples& a, const Samples& b) { return a.q1 <= b.q3 && b.q1 <= a.q3; }

// Several functions timed in interleaved rounds (in rotating order) so that
// the machine's drifting load hits all of them alike. Warm-up rounds also
// fault in the memory the outputs will reuse.
std::vector<Samples> interleaved_samples(Timer& timer,
                                         const std::vector<std::function<void()>>& fns,
                                         int repetitions) {
  for (int i = 0; i < 2; ++i) {
    for (const auto& fn : fns) fn();
  }
  std::vector<std::vector<double>> times(fns.size());
  for (int r = 0; r < repetitions; ++r) {
    // Rotate who goes first, so no contender always follows the same one.
    for (size_t i = 0; i < fns.size(); ++i) {
      const size_t k = (i + r) % fns.size();
      times[k].push_back(timer.time_ns(fns[k]));
    }
  }
  std::vector<Samples> out;
  for (auto& t : times) out.push_back(summarize(std::move(t)));
  return out;
}

// (N, 64, 32, 32) with N * 65536 == elements where possible: a conv-like
// shape, so per-channel PReLU has 64 channels of 1024 elements.
std::vector<int64_t> shape_for(int64_t elements) {
  if (elements % 65536 == 0) return {elements / 65536, 64, 32, 32};
  return {elements};
}

at::ScalarType parse_dtype(const std::string& name) {
  if (name == "float32") return at::kFloat;
  if (name == "bfloat16") return at::kBFloat16;
  if (name == "float16") return at::kHalf;
  if (name == "float64") return at::kDouble;
  throw std::invalid_argument("unknown dtype '" + name + "' (float32, float64, bfloat16, float16)");
}

Inputs make_inputs(const std::vector<int64_t>& shape, const torch::TensorOptions& options) {
  // Drawn in float32 on the CPU, so every device and dtype sees the same values.
  Inputs in;
  const auto to = [&](const at::Tensor& t) { return t.to(options); };
  const auto x = torch::randn(shape);
  in.x = to(x);
  in.grad = to(torch::randn(shape));
  activations::for_each_activation([&](auto activation) {
    using A = decltype(activation);
    if (A::saves == activations::Saves::Output)
      in.outputs[A::name] = to(RegistryCalls<A>::torch_forward(x));
  });
  in.weight_shared = to(torch::full({1}, 0.25));
  in.weight_channels = to(torch::full({shape.size() > 1 ? shape[1] : 1}, 0.25));
  in.noise = std::get<1>(ops::rrelu_with_noise(in.x, 0.125, 1.0 / 3, true));
  return in;
}

struct Row {
  std::string op, direction, impl, dtype;
  int64_t elements;
  int threads;
  Samples time;
  double gb_per_s, ratio_to_copy;
};

// Ours against LibTorch: "~" when within the run-to-run spread.
std::string speedup_cell(const Row& ours, const Row& theirs) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(2) << theirs.time.median / ours.time.median
      << (within_spread(ours.time, theirs.time) ? "~" : " ");
  return out.str();
}

}  // namespace

KernelBenchOptions default_options(const std::string& device) {
  KernelBenchOptions options;
  options.device = device;
  if (device == "cuda") {
    options.elements = {16LL << 20, 64LL << 20, 256LL << 20};
    options.threads = {1};  // host threads do not matter to a GPU kernel
    options.dtypes = {"float32", "bfloat16"};
    options.csv_path = "results/gpu/kernels.csv";
  } else {
    options.dtypes = {"float32"};
  }
  return options;
}

int run_kernel_bench(const KernelBenchOptions& options) {
  const bool on_cuda = options.device == "cuda";
  std::unique_ptr<Timer> timer = make_timer(options.device);
  // See Note [Keeping the allocator out of kernel timings]. M_MMAP_MAX = 0
  // rather than a high M_MMAP_THRESHOLD, which glibc caps at 32 MB.
  const bool heap_only =
      on_cuda || (mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, -1) == 1);
  torch::manual_seed(0);
  if (getenv("RELULAB_NO_AVX512")) cpu::disable_avx512();
  std::vector<std::string> dtypes = options.dtypes;
  if (dtypes.empty()) dtypes = default_options(options.device).dtypes;

  std::vector<BenchOp> ops_to_run;
  for (auto& op : bench_ops()) {
    if (options.ops.empty() ||
        std::find(options.ops.begin(), options.ops.end(), op.name) != options.ops.end()) {
      ops_to_run.push_back(std::move(op));
    }
  }
  std::cout << "relulab " << kVersion << " kernel benchmark on " << options.device
            << (on_cuda ? "" : std::string(" (CPU kernels use ") + ops::cpu_simd_target() + ")")
            << ", LibTorch " << TORCH_VERSION << ": " << options.repetitions
            << " interleaved runs each, median reported; ~ = within the run-to-run spread "
               "(interquartile ranges overlap); x copy = time / (copy_ time of the same bytes)"
            << (heap_only ? "" : "; WARNING: mallopt failed, timings include page faults") << "\n";

  std::vector<Row> rows;
  for (const auto& dtype_name : dtypes) {
    const at::ScalarType dtype = parse_dtype(dtype_name);
    const auto options_for =
        torch::TensorOptions().dtype(dtype).device(on_cuda ? torch::kCUDA : torch::kCPU);
    for (const int64_t n : options.elements) {
      const Inputs in = make_inputs(shape_for(n), options_for);
      const at::Tensor copy_src = torch::randn({n}, options_for);
      at::Tensor copy_dst = torch::empty({n}, options_for);
      const double bytes = static_cast<double>(n) * c10::elementSize(dtype);
      const std::function<void()> copy = [&] { copy_dst.copy_(copy_src); };
      for (const int threads : options.threads) {
        at::set_num_threads(threads);
        std::vector<Samples> copy_times;
        for (const auto& op : ops_to_run) {
          for (const Direction dir :
               {Direction::kForward, Direction::kBackward, Direction::kTrainStep}) {
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
            const auto t = interleaved_samples(*timer, fns, options.repetitions);
            copy_times.push_back(t[0]);
            const double moved = streams(dir) * bytes;
            const double copy_same_bytes = t[0].median * streams(dir) / 2.0;
            for (const int k : {1, 2}) {
              rows.push_back({op.name, to_string(dir), k == 1 ? "relulab" : "libtorch", dtype_name,
                              n, threads, t[k], moved / t[k].median,
                              t[k].median / copy_same_bytes});
            }
          }
        }
        if (!copy_times.empty()) {
          // The copy_ run with the median time among all the measurements.
          std::sort(copy_times.begin(), copy_times.end(),
                    [](const Samples& a, const Samples& b) { return a.median < b.median; });
          const Samples copy_median = copy_times[copy_times.size() / 2];
          rows.push_back({"copy_", "forward", "copy_", dtype_name, n, threads, copy_median,
                          2 * bytes / copy_median.median, 1.0});
        }
      }
    }
  }
  at::set_num_threads(1);

  // The table: one line per (op, direction, dtype, elements, threads).
  using Key = std::tuple<std::string, std::string, std::string, int64_t, int>;
  std::map<Key, std::pair<const Row*, const Row*>> pairs;
  for (const auto& r : rows) {
    auto& p = pairs[{r.op, r.direction, r.dtype, r.elements, r.threads}];
    (r.impl == "libtorch" ? p.second : p.first) = &r;
  }
  std::cout << std::left << std::setw(15) << "op" << std::setw(19) << "direction" << std::setw(9)
            << "dtype" << std::right << std::setw(10) << "elements" << std::setw(4) << "thr"
            << std::setw(12) << "relulab ms" << std::setw(10) << "(min)" << std::setw(12)
            << "torch ms" << std::setw(10) << "(min)" << std::setw(9) << "speedup" << std::setw(9)
            << "GB/s" << std::setw(9) << "x copy"
            << "\n";
  for (const auto& [key, p] : pairs) {
    const Row& ours = *p.first;
    std::cout << std::left << std::setw(15) << ours.op << std::setw(19) << ours.direction
              << std::setw(9) << ours.dtype << std::right << std::setw(10) << ours.elements
              << std::setw(4) << ours.threads << std::fixed << std::setprecision(3) << std::setw(12)
              << ours.time.median / 1e6 << std::setw(10) << ours.time.min / 1e6;
    if (p.second) {
      std::cout << std::setw(12) << p.second->time.median / 1e6 << std::setw(10)
                << p.second->time.min / 1e6 << std::setw(9) << speedup_cell(ours, *p.second);
    } else {
      std::cout << std::setw(12) << "" << std::setw(10) << "" << std::setw(9) << "";
    }
    std::cout << std::setprecision(1) << std::setw(9) << ours.gb_per_s << std::setprecision(2)
              << std::setw(9) << ours.ratio_to_copy << "\n";
  }

  // The targets: on the CPU at 4M float32 elements, 1 thread; on a GPU at
  // the largest size, every dtype.
  const int64_t target_elements =
      on_cuda ? *std::max_element(options.elements.begin(), options.elements.end())
              : 4 * 1024 * 1024;
  int missed = 0, checked = 0;
  std::cout << "\nTargets at " << target_elements << " elements" << (on_cuda ? "" : ", 1 thread")
            << " (x copy <= limit, and not slower than LibTorch beyond the run-to-run spread):\n";
  for (const auto& [key, p] : pairs) {
    const auto& [op, direction, dtype, n, threads] = key;
    if (n != target_elements || (!on_cuda && (threads != 1 || dtype != "float32")) ||
        op == "copy_" || direction == to_string(Direction::kTrainStep)) {
      continue;
    }
    const bool rng = op == "rrelu_train" && direction == "forward";
    // On a GPU every op should stream at >= 90% of copy's bandwidth.
    const double limit = on_cuda ? 1.0 / 0.9 : target_ratio(op);
    const bool fast_enough = rng || p.first->ratio_to_copy <= limit;
    const bool not_slower = !p.second || p.first->time.median <= p.second->time.median ||
                            within_spread(p.first->time, p.second->time);
    missed += !(fast_enough && not_slower);
    ++checked;
    std::cout << "  " << std::left << std::setw(15) << op << std::setw(10) << direction
              << std::setw(9) << dtype << std::right << std::fixed << std::setprecision(2)
              << " x copy " << std::setw(5) << p.first->ratio_to_copy << " (limit " << limit
              << ")  vs LibTorch " << std::setw(6)
              << (p.second ? speedup_cell(*p.first, *p.second) : std::string("-")) << "x  "
              << (fast_enough && not_slower ? "ok" : "MISSED")
              << (rng ? "  [random slopes per element: RNG-bound, no copy target]" : "") << "\n";
  }
  if (checked == 0) {
    std::cout << "  (no measurement at that size: targets not checked)\n";
  } else {
    std::cout << (missed ? std::to_string(missed) + " of " + std::to_string(checked) +
                               " target(s) missed\n"
                         : "all " + std::to_string(checked) + " targets met\n");
  }

  if (!options.csv_path.empty()) {
    std::filesystem::path path(options.csv_path);
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    const auto tmp = path.string() + ".tmp";
    {
      std::ofstream csv(tmp);
      csv << "op,direction,impl,device,dtype,elements,threads,median_ns,min_ns,max_ns,q1_ns,q3_ns,"
             "gb_per_s,ratio_to_copy,libtorch,simd_target\n";
      for (const auto& r : rows) {
        csv << r.op << ',' << r.direction << ',' << r.impl << ',' << options.device << ','
            << r.dtype << ',' << r.elements << ',' << r.threads << ',' << std::fixed
            << std::setprecision(0) << r.time.median << ',' << r.time.min << ',' << r.time.max
            << ',' << r.time.q1 << ',' << r.time.q3 << ',' << std::setprecision(3) << r.gb_per_s
            << ',' << std::setprecision(4) << r.ratio_to_copy << ',' << TORCH_VERSION << ','
            << (on_cuda ? "cuda" : ops::cpu_simd_target()) << '\n';
      }
    }
    std::filesystem::rename(tmp, path);  // never a torn CSV
    std::cout << "wrote " << path.string() << "\n";
  }
  return missed;
}

}  // namespace bench
}  // namespace relulab
