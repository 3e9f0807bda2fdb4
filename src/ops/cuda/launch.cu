// CUDA launchers and their registration under the dispatcher's CUDA key.
// Built only against a CUDA-enabled LibTorch (CMake: RELULAB_CUDA). The
// kernels are in kernels.cu (element-wise) and prelu.cu; parameter handling
// per op is kernel_table.h, shared with the CPU backend.
//
// Status: compiled and linked against LibTorch 2.11 (CUDA 13.0) in CI; run
// on an H200 through scripts/gpu/check (results/gpu/README.md).

#include <ATen/Dispatch.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/empty_like.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "ops/checks.h"
#include "ops/cuda/kernels.cuh"
#include "ops/kernel_table.h"

namespace relulab {
namespace cuda {
namespace {

// ATen's 16-bit types and CUDA's share their layout.
template <typename T>
struct Native {
  using type = T;
};
template <>
struct Native<c10::Half> {
  using type = __half;
};
template <>
struct Native<c10::BFloat16> {
  using type = __nv_bfloat16;
};
template <typename T>
auto native(T* p) {
  return reinterpret_cast<typename Native<T>::type*>(p);
}
template <typename T>
auto native(const T* p) {
  return reinterpret_cast<const typename Native<T>::type*>(p);
}

void check(cudaError_t status, const char* op_name) {
  TORCH_CHECK(status == cudaSuccess, "relulab::", op_name,
              ": CUDA launch failed: ", cudaGetErrorString(status));
}

void check_floating(const char* op_name, const at::Tensor& t) {
  TORCH_CHECK(at::isFloatingType(t.scalar_type()), "relulab::", op_name,
              ": expected a floating-point tensor (float32, float64, float16, bfloat16), but got ",
              t.scalar_type());
}

cudaStream_t current_stream() { return c10::cuda::getCurrentCUDAStream().stream(); }

at::Tensor dense(const at::Tensor& t) {
  return t.is_non_overlapping_and_dense() ? t : t.contiguous();
}

}  // namespace

struct Launchers {
  static at::Tensor pointwise_forward(const char* op_name, Pointwise op, const PointwiseParams& p,
                                      const at::Tensor& self) {
    check_floating(op_name, self);
    const c10::cuda::CUDAGuard guard(self.device());
    const at::Tensor x = dense(self);
    at::Tensor y = at::empty_like(x);
    AT_DISPATCH_FLOATING_TYPES_AND2(
        at::kHalf, at::kBFloat16, x.scalar_type(), "relulab_cuda_forward", [&] {
          check(
              cuda::pointwise_forward(op, p, native(x.data_ptr<scalar_t>()),
                                      native(y.data_ptr<scalar_t>()), x.numel(), current_stream()),
              op_name);
        });
    return y;
  }

  static at::Tensor pointwise_backward(const char* op_name, Pointwise op, const PointwiseParams& p,
                                       const at::Tensor& grad_output, const at::Tensor& saved) {
    check_floating(op_name, saved);
    checks::same_dtype_and_shape(op_name, grad_output, saved, "grad_output", "self");
    checks::same_device(op_name, saved, {{"grad_output", &grad_output}});
    const c10::cuda::CUDAGuard guard(saved.device());
    at::Tensor s = dense(saved), g = dense(grad_output);
    if (g.strides() != s.strides()) {
      g = g.contiguous();
      s = s.contiguous();
    }
    at::Tensor gi = at::empty_like(s);
    AT_DISPATCH_FLOATING_TYPES_AND2(
        at::kHalf, at::kBFloat16, s.scalar_type(), "relulab_cuda_backward", [&] {
          check(cuda::pointwise_backward(
                    op, p, native(g.data_ptr<scalar_t>()), native(s.data_ptr<scalar_t>()),
                    native(gi.data_ptr<scalar_t>()), s.numel(), current_stream()),
                op_name);
        });
    return gi;
  }

  static ChannelLayout layout_of(const at::Tensor& self, const at::Tensor& weight) {
    check_floating("prelu", self);
    checks::same_device("prelu", self, {{"weight", &weight}});
    ChannelLayout l;
    l.channels = checks::prelu_channels(self, weight);
    if (l.channels == 1) {
      l.inner = std::max<int64_t>(1, self.numel());
      return l;
    }
    l.inner = 1;
    for (int64_t d = 2; d < self.dim(); ++d) l.inner *= self.size(d);
    return l;
  }

  static at::Tensor prelu(const at::Tensor& self, const at::Tensor& weight) {
    const ChannelLayout l = layout_of(self, weight);
    const c10::cuda::CUDAGuard guard(self.device());
    const at::Tensor x = self.contiguous(), w = weight.contiguous();
    at::Tensor y = at::empty_like(x);
    AT_DISPATCH_FLOATING_TYPES_AND2(
        at::kHalf, at::kBFloat16, x.scalar_type(), "relulab_cuda_prelu", [&] {
          check(cuda::prelu_forward(native(x.data_ptr<scalar_t>()), native(w.data_ptr<scalar_t>()),
                                    native(y.data_ptr<scalar_t>()), l, x.numel(), current_stream()),
                "prelu");
        });
    return y;
  }

  static std::tuple<at::Tensor, at::Tensor> prelu_backward(const at::Tensor& grad_output,
                                                           const at::Tensor& self,
                                                           const at::Tensor& weight) {
    const ChannelLayout l = layout_of(self, weight);
    checks::same_dtype_and_shape("prelu_backward", grad_output, self, "grad_output", "self");
    checks::same_device("prelu_backward", self, {{"grad_output", &grad_output}});
    const c10::cuda::CUDAGuard guard(self.device());
    const at::Tensor x = self.contiguous(), w = weight.contiguous(), g = grad_output.contiguous();
    at::Tensor gi = at::empty_like(x), gw = at::empty_like(w);
    at::Tensor workspace =
        at::empty({cuda::prelu_workspace_doubles(l, x.numel())}, x.options().dtype(at::kDouble));
    AT_DISPATCH_FLOATING_TYPES_AND2(
        at::kHalf, at::kBFloat16, x.scalar_type(), "relulab_cuda_prelu_backward", [&] {
          check(
              cuda::prelu_backward(native(g.data_ptr<scalar_t>()), native(x.data_ptr<scalar_t>()),
                                   native(w.data_ptr<scalar_t>()), native(gi.data_ptr<scalar_t>()),
                                   native(gw.data_ptr<scalar_t>()), workspace.data_ptr<double>(), l,
                                   x.numel(), current_stream()),
              "prelu_backward");
        });
    return {gi, gw};
  }

  // RReLU training on CUDA is composed of ATen ops (documented fallback:
  // random slopes come from uniform_, as on CPU; no dedicated kernel). As
  // LibTorch's: the slope is random where x <= 0 and 1 elsewhere (NaN included).
  static std::tuple<at::Tensor, at::Tensor> rrelu_training(const at::Tensor& self, double lower,
                                                           double upper,
                                                           c10::optional<at::Generator> generator) {
    check_floating("rrelu", self);
    const c10::cuda::CUDAGuard guard(self.device());
    at::Tensor noise = at::empty_like(self).uniform_(lower, upper, generator);
    noise.masked_fill_(self.le(0).logical_not_(), 1);
    return {self.mul(noise), noise};
  }

  static at::Tensor rrelu_training_backward(const at::Tensor& grad_output,
                                            const at::Tensor& noise) {
    return grad_output.mul(noise);
  }
};

}  // namespace cuda
}  // namespace relulab

TORCH_LIBRARY_IMPL(relulab, CUDA, m) {
  relulab::kernels::register_kernels<relulab::cuda::Launchers>(m);
}
