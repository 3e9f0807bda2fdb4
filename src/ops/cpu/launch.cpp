// Tensor-level CPU launchers: see launch.h.

#include "ops/cpu/launch.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <ATen/core/TensorBody.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/empty_like.h>
#include <c10/util/Exception.h>

#include <atomic>
#include <bitset>
#include <vector>

#include "ops/checks.h"

namespace relulab {
namespace cpu {
namespace {

// Note [Intra-op threads]
// The launchers split their range with at::parallel_for, LibTorch's own
// intra-op pool, so at::set_num_threads governs them as it does LibTorch's
// kernels. at::parallel_for is a header template, though, and with LibTorch's
// OpenMP backend its parallel branch exists only in code compiled with
// _OPENMP defined: until this library was built with -fopenmp (CMake's
// RELULAB_OPENMP, on by default) every kernel ran on the calling thread at any
// thread count, 2-thread benchmarks included. ThreadingTest checks with
// intra_op_threads_used() that two threads really take part.

// Elements per parallel task: ATen's own grain (at::internal::GRAIN_SIZE,
// not exported by every LibTorch), so small tensors stay on the calling thread
// exactly as LibTorch's kernels do.
constexpr int64_t kGrainSize = 32768;

// Fixed chunk for PReLU's weight-gradient partial sums: the chunking (hence
// the rounding of the sum) does not depend on the number of threads, so the
// gradient is bit-identical whatever at::get_num_threads() is.
constexpr int64_t kReductionChunk = 1 << 16;

void check_floating(const char* op_name, const at::Tensor& t, const char* arg) {
  TORCH_CHECK(t.scalar_type() == at::kFloat || t.scalar_type() == at::kDouble, "relulab::", op_name,
              ": expected ", arg, " to be float32 or float64, but got ", t.scalar_type(),
              ". HINT: convert with .to(torch::kFloat32); half and bfloat16 "
              "have CPU kernels only in LibTorch's own ops.");
}

// A dense tensor (contiguous, channels-last or any permutation without gaps)
// is processed in storage order and its output keeps its strides, as
// TensorIterator does; anything else is made contiguous first.
at::Tensor dense(const at::Tensor& t) {
  return t.is_non_overlapping_and_dense() ? t : t.contiguous();
}

}  // namespace

int intra_op_threads_used(int64_t numel) {
  std::atomic<uint64_t> seen{0};
  at::parallel_for(0, numel, kGrainSize, [&](int64_t, int64_t) {
    seen.fetch_or(uint64_t{1} << (at::get_thread_num() % 64));
  });
  return static_cast<int>(std::bitset<64>(seen.load()).count());
}

at::Tensor pointwise_forward_cpu(const char* op_name, Pointwise op, const PointwiseParams& params,
                                 const at::Tensor& self) {
  check_floating(op_name, self, "self");
  const at::Tensor x = dense(self);
  at::Tensor y = at::empty_like(x);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "pointwise_forward", [&] {
    const scalar_t* in = x.data_ptr<scalar_t>();
    scalar_t* out = y.data_ptr<scalar_t>();
    at::parallel_for(0, x.numel(), kGrainSize, [&](int64_t begin, int64_t end) {
      pointwise_forward<scalar_t>(op, params, in + begin, out + begin, end - begin);
    });
  });
  return y;
}

at::Tensor pointwise_backward_cpu(const char* op_name, Pointwise op, const PointwiseParams& params,
                                  const at::Tensor& grad_output, const at::Tensor& saved) {
  check_floating(op_name, saved, "self");
  checks::same_dtype_and_shape(op_name, grad_output, saved, "grad_output", "self");
  at::Tensor s = dense(saved);
  at::Tensor g = dense(grad_output);
  if (g.strides() != s.strides()) {
    g = g.contiguous();
    s = s.contiguous();
  }
  at::Tensor grad_in = at::empty_like(s);
  AT_DISPATCH_FLOATING_TYPES(s.scalar_type(), "pointwise_backward", [&] {
    const scalar_t* gp = g.data_ptr<scalar_t>();
    const scalar_t* sp = s.data_ptr<scalar_t>();
    scalar_t* out = grad_in.data_ptr<scalar_t>();
    at::parallel_for(0, s.numel(), kGrainSize, [&](int64_t begin, int64_t end) {
      pointwise_backward<scalar_t>(op, params, gp + begin, sp + begin, out + begin, end - begin);
    });
  });
  return grad_in;
}

namespace {

// The (outer, channels, inner) view PReLU works on, with LibTorch's checks.
// Channels-last inputs are walked in memory order, where channels are the
// innermost dimension (inner == 1), so they need no copy and keep their
// layout; see prelu_input().
bool is_channels_last(const at::Tensor& t) {
  return (t.dim() == 4 && t.is_contiguous(at::MemoryFormat::ChannelsLast)) ||
         (t.dim() == 5 && t.is_contiguous(at::MemoryFormat::ChannelsLast3d));
}

ChannelLayout prelu_layout(const at::Tensor& self, const at::Tensor& weight) {
  check_floating("prelu", self, "self");
  ChannelLayout layout;
  layout.channels = checks::prelu_channels(self, weight);
  if (layout.channels == 1) {
    layout.inner = std::max<int64_t>(self.numel(), 1);
    return layout;
  }
  layout.inner = 1;
  if (is_channels_last(self) && !self.is_contiguous()) return layout;
  for (int64_t d = 2; d < self.dim(); ++d) layout.inner *= self.size(d);
  return layout;
}

// The input in the memory order prelu_layout() assumed.
at::Tensor prelu_input(const at::Tensor& t, const ChannelLayout& layout) {
  if (layout.channels == 1) return dense(t);
  if (is_channels_last(t) && !t.is_contiguous()) return t;
  return t.contiguous();
}

}  // namespace

at::Tensor prelu_cpu(const at::Tensor& self, const at::Tensor& weight) {
  const ChannelLayout layout = prelu_layout(self, weight);
  const at::Tensor x = prelu_input(self, layout);
  const at::Tensor w = weight.contiguous();
  at::Tensor y = at::empty_like(x);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "prelu", [&] {
    const scalar_t* in = x.data_ptr<scalar_t>();
    const scalar_t* wp = w.data_ptr<scalar_t>();
    scalar_t* out = y.data_ptr<scalar_t>();
    at::parallel_for(0, x.numel(), kGrainSize, [&](int64_t begin, int64_t end) {
      prelu_forward<scalar_t>(in, wp, out, layout, begin, end);
    });
  });
  return y;
}

std::tuple<at::Tensor, at::Tensor> prelu_backward_cpu(const at::Tensor& grad_output,
                                                      const at::Tensor& self,
                                                      const at::Tensor& weight) {
  const ChannelLayout layout = prelu_layout(self, weight);
  checks::same_dtype_and_shape("prelu_backward", grad_output, self, "grad_output", "self");
  const at::Tensor x = prelu_input(self, layout);
  // grad_output must share x's memory order, element for element.
  const at::Tensor g =
      grad_output.strides() == x.strides() ? grad_output : at::empty_like(x).copy_(grad_output);
  const at::Tensor w = weight.contiguous();
  at::Tensor grad_in = at::empty_like(x);
  at::Tensor grad_weight = at::empty_like(w);

  const int64_t n = x.numel();
  const int64_t chunks = (n + kReductionChunk - 1) / kReductionChunk;
  // partials[chunk][channel], summed in chunk order below.
  std::vector<double> partials(static_cast<size_t>(chunks * layout.channels), 0.0);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "prelu_backward", [&] {
    const scalar_t* gp = g.data_ptr<scalar_t>();
    const scalar_t* xp = x.data_ptr<scalar_t>();
    const scalar_t* wp = w.data_ptr<scalar_t>();
    scalar_t* gip = grad_in.data_ptr<scalar_t>();
    const int64_t chunks_per_task = std::max<int64_t>(1, kGrainSize / kReductionChunk);
    at::parallel_for(0, chunks, chunks_per_task, [&](int64_t first, int64_t last) {
      for (int64_t chunk = first; chunk < last; ++chunk) {
        const int64_t begin = chunk * kReductionChunk;
        const int64_t end = std::min(n, begin + kReductionChunk);
        prelu_backward<scalar_t>(gp, xp, wp, gip, partials.data() + chunk * layout.channels, layout,
                                 begin, end);
      }
    });
    scalar_t* gwp = grad_weight.data_ptr<scalar_t>();
    for (int64_t c = 0; c < layout.channels; ++c) {
      double sum = 0.0;
      for (int64_t chunk = 0; chunk < chunks; ++chunk) {
        sum += partials[chunk * layout.channels + c];
      }
      gwp[c] = static_cast<scalar_t>(sum);
    }
  });
  return std::make_tuple(grad_in, grad_weight);
}

std::tuple<at::Tensor, at::Tensor> rrelu_training_cpu(const at::Tensor& self, double lower,
                                                      double upper,
                                                      c10::optional<at::Generator> generator) {
  check_floating("rrelu", self, "self");
  const at::Tensor x = self.contiguous();
  at::Tensor noise = at::empty_like(x).uniform_(lower, upper, generator);
  at::Tensor y = at::empty_like(x);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "rrelu", [&] {
    const scalar_t* in = x.data_ptr<scalar_t>();
    scalar_t* np = noise.data_ptr<scalar_t>();
    scalar_t* out = y.data_ptr<scalar_t>();
    at::parallel_for(0, x.numel(), kGrainSize, [&](int64_t begin, int64_t end) {
      rrelu_forward<scalar_t>(in + begin, np + begin, out + begin, end - begin);
    });
  });
  return std::make_tuple(y, noise);
}

at::Tensor rrelu_training_backward_cpu(const at::Tensor& grad_output, const at::Tensor& noise) {
  const at::Tensor g = grad_output.contiguous();
  const at::Tensor r = noise.contiguous();
  at::Tensor grad_in = at::empty_like(r);
  AT_DISPATCH_FLOATING_TYPES(r.scalar_type(), "rrelu_backward", [&] {
    const scalar_t* gp = g.data_ptr<scalar_t>();
    const scalar_t* rp = r.data_ptr<scalar_t>();
    scalar_t* out = grad_in.data_ptr<scalar_t>();
    at::parallel_for(0, r.numel(), kGrainSize, [&](int64_t begin, int64_t end) {
      multiply<scalar_t>(gp + begin, rp + begin, out + begin, end - begin);
    });
  });
  return grad_in;
}

}  // namespace cpu
}  // namespace relulab
