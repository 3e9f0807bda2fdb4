// CUDA launchers and their registration under the dispatcher's CUDA key.
// Built only against a CUDA-enabled LibTorch (CMake: RELULAB_CUDA). The
// kernels are in kernels.cu; parameter handling per op is kernel_table.h,
// shared with the CPU backend.
//
// Status: compiled and tested on the GPU machine only (scripts/gpu/check);
// not yet run there as of this commit (see issue 5).

#include <ATen/Dispatch.h>
#include <ATen/cuda/CUDAContext.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/empty_like.h>
#include <ATen/ops/where.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "ops/cuda/kernels.cuh"
#include "ops/kernel_table.h"

namespace relulab {
namespace cuda {
namespace {

// ATen's 16-bit types and CUDA's share their layout.
template <typename T> struct Native { using type = T; };
template <> struct Native<c10::Half> { using type = __half; };
template <> struct Native<c10::BFloat16> { using type = __nv_bfloat16; };
template <typename T> auto native(T* p) { return reinterpret_cast<typename Native<T>::type*>(p); }
template <typename T> auto native(const T* p) { return reinterpret_cast<const typename Native<T>::type*>(p); }

void check(cudaError_t status, const char* op_name) {
  TORCH_CHECK(status == cudaSuccess, "relulab::", op_name, ": CUDA launch failed: ",
              cudaGetErrorString(status));
}

void check_floating(const char* op_name, const at::Tensor& t) {
  TORCH_CHECK(at::isFloatingType(t.scalar_type()), "relulab::", op_name,
              ": expected a floating-point tensor (float32, float64, float16, bfloat16), but got ",
              t.scalar_type());
}

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
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, x.scalar_type(), "relulab_cuda_forward", [&] {
      check(cuda::pointwise_forward(op, p, native(x.data_ptr<scalar_t>()), native(y.data_ptr<scalar_t>()),
                                    x.numel(), at::cuda::getCurrentCUDAStream()),
            op_name);
    });
    return y;
  }

  static at::Tensor pointwise_backward(const char* op_name, Pointwise op, const PointwiseParams& p,
                                       const at::Tensor& grad_output, const at::Tensor& saved) {
    check_floating(op_name, saved);
    TORCH_CHECK(grad_output.sizes() == saved.sizes() && grad_output.scalar_type() == saved.scalar_type(),
                "relulab::", op_name, ": grad_output and self must match in shape and dtype");
    const c10::cuda::CUDAGuard guard(saved.device());
    at::Tensor s = dense(saved), g = dense(grad_output);
    if (g.strides() != s.strides()) {
      g = g.contiguous();
      s = s.contiguous();
    }
    at::Tensor gi = at::empty_like(s);
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, s.scalar_type(), "relulab_cuda_backward", [&] {
      check(cuda::pointwise_backward(op, p, native(g.data_ptr<scalar_t>()), native(s.data_ptr<scalar_t>()),
                                     native(gi.data_ptr<scalar_t>()), s.numel(),
                                     at::cuda::getCurrentCUDAStream()),
            op_name);
    });
    return gi;
  }

  static ChannelLayout layout_of(const at::Tensor& self, const at::Tensor& weight) {
    check_floating("prelu", self);
    TORCH_CHECK(weight.scalar_type() == self.scalar_type() && weight.dim() <= 1,
                "relulab::prelu: weight must be a scalar or 1-D tensor of self's dtype");
    ChannelLayout l;
    l.channels = weight.numel();
    if (l.channels == 1) {
      l.inner = std::max<int64_t>(1, self.numel());
      return l;
    }
    TORCH_CHECK(self.dim() >= 2 && self.size(1) == l.channels,
                "relulab::prelu: mismatch of parameter numbers and input channel size: weight has ",
                l.channels, " slopes but the input has ", self.dim() >= 2 ? self.size(1) : 0, " channels");
    l.inner = 1;
    for (int64_t d = 2; d < self.dim(); ++d) l.inner *= self.size(d);
    return l;
  }

  static at::Tensor prelu(const at::Tensor& self, const at::Tensor& weight) {
    const ChannelLayout l = layout_of(self, weight);
    const c10::cuda::CUDAGuard guard(self.device());
    const at::Tensor x = self.contiguous(), w = weight.contiguous();
    at::Tensor y = at::empty_like(x);
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, x.scalar_type(), "relulab_cuda_prelu", [&] {
      check(cuda::prelu_forward(native(x.data_ptr<scalar_t>()), native(w.data_ptr<scalar_t>()),
                                native(y.data_ptr<scalar_t>()), l, x.numel(), at::cuda::getCurrentCUDAStream()),
            "prelu");
    });
    return y;
  }

  static std::tuple<at::Tensor, at::Tensor> prelu_backward(const at::Tensor& grad_output,
                                                           const at::Tensor& self, const at::Tensor& weight) {
    const ChannelLayout l = layout_of(self, weight);
    const c10::cuda::CUDAGuard guard(self.device());
    const at::Tensor x = self.contiguous(), w = weight.contiguous(), g = grad_output.contiguous();
    at::Tensor gi = at::empty_like(x), gw = at::empty_like(w);
    at::Tensor workspace = at::empty({cuda::prelu_workspace_floats(l, x.numel())}, x.options().dtype(at::kFloat));
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, x.scalar_type(), "relulab_cuda_prelu_backward", [&] {
      check(cuda::prelu_backward(native(g.data_ptr<scalar_t>()), native(x.data_ptr<scalar_t>()),
                                 native(w.data_ptr<scalar_t>()), native(gi.data_ptr<scalar_t>()),
                                 native(gw.data_ptr<scalar_t>()), workspace.data_ptr<float>(), l, x.numel(),
                                 at::cuda::getCurrentCUDAStream()),
            "prelu_backward");
    });
    return {gi, gw};
  }

  // RReLU on CUDA is composed of ATen ops (documented fallback: random
  // slopes come from uniform_, as on CPU; no dedicated kernel).
  static std::tuple<at::Tensor, at::Tensor> rrelu_with_noise(const at::Tensor& self, double lower,
                                                             double upper, bool training,
                                                             c10::optional<at::Generator> generator) {
    TORCH_CHECK(lower <= upper, "relulab::rrelu: expected lower <= upper, but got lower=", lower,
                " and upper=", upper);
    if (!training) {
      return {pointwise_forward("rrelu", Pointwise::kLeakyRelu, kernels::leaky((lower + upper) / 2), self),
              at::empty({0}, self.options())};
    }
    at::Tensor noise = at::empty_like(self).uniform_(lower, upper, generator);
    noise = at::where(self <= 0, noise, at::ones_like(noise));
    return {self * noise, noise};
  }

  static at::Tensor rrelu_backward(const at::Tensor& grad_output, const at::Tensor& self,
                                   const at::Tensor& noise, double lower, double upper, bool training) {
    if (!training || upper - lower <= 1e-6) {
      return pointwise_backward("rrelu_backward", Pointwise::kLeakyRelu, kernels::leaky((lower + upper) / 2),
                                grad_output, self);
    }
    return grad_output * noise;
  }
};

}  // namespace cuda
}  // namespace relulab

TORCH_LIBRARY_IMPL(relulab, CUDA, m) {
  relulab::kernels::register_kernels<relulab::cuda::Launchers>(m);
}
