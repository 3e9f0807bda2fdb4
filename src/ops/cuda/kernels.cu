// CUDA kernels: see kernels.cuh. The maths is ops/math/<op>.h; the CPU
// kernels' own Highway functors are tested against it (scalar_math_test).
//
// Element-wise kernels: a grid-stride loop over 16-byte vectors (4 floats,
// 8 halves) when the pointers are aligned, scalar otherwise; the grid is
// capped at a few waves per SM (persistent-style) so launch overhead and
// tail effects stay small at 256M elements.

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <algorithm>

#include "ops/cuda/kernels.cuh"
#include "ops/math/all_scalar_math.h"  // generated: every ops/math/*.h

namespace relulab {
namespace cuda {
namespace {

constexpr int kThreads = 256;

// The arithmetic type of a storage type: float for the 16-bit ones.
template <typename T>
struct OpMath {
  using type = T;
};
template <>
struct OpMath<__half> {
  using type = float;
};
template <>
struct OpMath<__nv_bfloat16> {
  using type = float;
};

template <typename T>
__device__ __forceinline__ typename OpMath<T>::type to_op(T v) {
  return v;
}
template <>
__device__ __forceinline__ float to_op(__half v) {
  return __half2float(v);
}
template <>
__device__ __forceinline__ float to_op(__nv_bfloat16 v) {
  return __bfloat162float(v);
}
template <typename T>
__device__ __forceinline__ T from_op(typename OpMath<T>::type v) {
  return v;
}
template <>
__device__ __forceinline__ __half from_op<__half>(float v) {
  return __float2half(v);
}
template <>
__device__ __forceinline__ __nv_bfloat16 from_op<__nv_bfloat16>(float v) {
  return __float2bfloat16(v);
}

template <typename T>
struct alignas(16) Vec {
  static constexpr int kSize = 16 / sizeof(T);
  T v[kSize];
};

bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

int grid_for(int64_t work_items) {
  static int max_blocks = [] {
    int device = 0, sms = 0;
    cudaGetDevice(&device);
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
    return std::max(1, sms) * 8;  // a few resident blocks per SM
  }();
  return static_cast<int>(
      std::max<int64_t>(1, std::min<int64_t>(max_blocks, (work_items + kThreads - 1) / kThreads)));
}

template <typename T, typename Op>
__global__ void forward_kernel(const T* __restrict__ x, T* __restrict__ y, int64_t n, Op op,
                               bool vectorised) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (vectorised) {
    constexpr int k = Vec<T>::kSize;
    const int64_t vectors = n / k;
    for (int64_t v = i; v < vectors; v += stride) {
      Vec<T> in = reinterpret_cast<const Vec<T>*>(x)[v], out;
#pragma unroll
      for (int j = 0; j < k; ++j) out.v[j] = from_op<T>(op.forward(to_op(in.v[j])));
      reinterpret_cast<Vec<T>*>(y)[v] = out;
    }
    for (int64_t t = vectors * k + i; t < n; t += stride)
      y[t] = from_op<T>(op.forward(to_op(x[t])));
    return;
  }
  for (; i < n; i += stride) y[i] = from_op<T>(op.forward(to_op(x[i])));
}

template <typename T, typename Op>
__global__ void backward_kernel(const T* __restrict__ g, const T* __restrict__ s,
                                T* __restrict__ gi, int64_t n, Op op, bool vectorised) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (vectorised) {
    constexpr int k = Vec<T>::kSize;
    const int64_t vectors = n / k;
    for (int64_t v = i; v < vectors; v += stride) {
      const Vec<T> gv = reinterpret_cast<const Vec<T>*>(g)[v];
      const Vec<T> sv = reinterpret_cast<const Vec<T>*>(s)[v];
      Vec<T> out;
#pragma unroll
      for (int j = 0; j < k; ++j)
        out.v[j] = from_op<T>(op.backward(to_op(gv.v[j]), to_op(sv.v[j])));
      reinterpret_cast<Vec<T>*>(gi)[v] = out;
    }
    for (int64_t t = vectors * k + i; t < n; t += stride) {
      gi[t] = from_op<T>(op.backward(to_op(g[t]), to_op(s[t])));
    }
    return;
  }
  for (; i < n; i += stride) gi[i] = from_op<T>(op.backward(to_op(g[i]), to_op(s[i])));
}

template <typename T, typename Op>
cudaError_t launch_forward(const Op& op, const T* x, T* y, int64_t n, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  const bool vec = aligned16(x) && aligned16(y);
  forward_kernel<<<grid_for(vec ? n / Vec<T>::kSize + 1 : n), kThreads, 0, stream>>>(x, y, n, op,
                                                                                     vec);
  return cudaGetLastError();
}

template <typename T, typename Op>
cudaError_t launch_backward(const Op& op, const T* g, const T* s, T* gi, int64_t n,
                            cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  const bool vec = aligned16(g) && aligned16(s) && aligned16(gi);
  backward_kernel<<<grid_for(vec ? n / Vec<T>::kSize + 1 : n), kThreads, 0, stream>>>(g, s, gi, n,
                                                                                      op, vec);
  return cudaGetLastError();
}

// Calls f(functor) with the functor for `op` in arithmetic type M.
template <typename M, typename F>
cudaError_t with_functor(Pointwise op, const PointwiseParams& p, F&& f) {
  switch (op) {
#define RELULAB_SCALAR_CASE(Module, op_name, Kernel, ...) \
  case Pointwise::k##Kernel:                              \
    return f(activations::make_functor<math::Kernel<M>, M, activations::Module::num_params>(p));
    RELULAB_ACTIVATIONS(RELULAB_SCALAR_CASE)
#undef RELULAB_SCALAR_CASE
    case Pointwise::kGeluErf:
      return f(math::GeluErf<M>{});
    case Pointwise::kGeluTanh:
      return f(math::GeluTanh<M>{});
  }
  return cudaErrorInvalidValue;
}

// --- PReLU ---------------------------------------------------------------
// Grid: (blocks_per_channel, channels). Block b of channel c walks the
// channel's elements e = 0 .. outer*inner-1 (index (o*C + c)*inner + k with
// o = e / inner, k = e % inner) in a block-stride loop.

constexpr int kPreluBlocksPerChannel = 64;

__host__ __device__ inline int64_t channel_elements(ChannelLayout l, int64_t n) {
  return n / l.channels;
}

template <typename T>
__global__ void prelu_forward_kernel(const T* __restrict__ x, const T* __restrict__ w,
                                     T* __restrict__ y, ChannelLayout l, int64_t n) {
  using M = typename OpMath<T>::type;
  const int64_t per_channel = channel_elements(l, n);
  for (int64_t c = blockIdx.y; c < l.channels; c += gridDim.y) {
    const math::LeakyRelu<M> op{to_op(w[c])};
    for (int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < per_channel;
         e += int64_t(gridDim.x) * blockDim.x) {
      const int64_t idx = ((e / l.inner) * l.channels + c) * l.inner + e % l.inner;
      y[idx] = from_op<T>(op.forward(to_op(x[idx])));
    }
  }
}

// The weight gradient sums in double for double tensors (as the CPU path
// does), in float otherwise.
template <typename T>
struct Accumulate {
  using type = float;
};
template <>
struct Accumulate<double> {
  using type = double;
};

template <typename T>
__global__ void prelu_backward_kernel(const T* __restrict__ g, const T* __restrict__ x,
                                      const T* __restrict__ w, T* __restrict__ gi,
                                      double* __restrict__ partial, ChannelLayout l, int64_t n) {
  using M = typename OpMath<T>::type;
  using A = typename Accumulate<T>::type;
  const int64_t per_channel = channel_elements(l, n);
  // Channels beyond the grid's y extent (65 535) are taken in turn.
  for (int64_t c = blockIdx.y; c < l.channels; c += gridDim.y) {
    const math::LeakyRelu<M> op{to_op(w[c])};
    A acc = 0;
    for (int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < per_channel;
         e += int64_t(gridDim.x) * blockDim.x) {
      const int64_t idx = ((e / l.inner) * l.channels + c) * l.inner + e % l.inner;
      const M xv = to_op(x[idx]), gv = to_op(g[idx]);
      gi[idx] = from_op<T>(op.backward(gv, xv));
      if (!(xv > M(0))) acc += static_cast<A>(xv * gv);
    }
    // Block reduction: warp shuffles, then one value per warp in shared memory.
    __shared__ A warp_sums[kThreads / 32];
    for (int offset = 16; offset > 0; offset /= 2)
      acc += __shfl_down_sync(0xffffffffu, acc, offset);
    if (threadIdx.x % 32 == 0) warp_sums[threadIdx.x / 32] = acc;
    __syncthreads();
    if (threadIdx.x == 0) {
      double sum = 0.0;
      for (int i = 0; i < kThreads / 32; ++i) sum += warp_sums[i];
      partial[c * gridDim.x + blockIdx.x] = sum;
    }
    __syncthreads();  // warp_sums is reused by the next channel
  }
}

template <typename T>
__global__ void prelu_weight_sum_kernel(const double* __restrict__ partial, T* __restrict__ gw,
                                        int64_t channels, int blocks) {
  const int64_t c = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c >= channels) return;
  double sum = 0.0;  // fixed order: deterministic
  for (int b = 0; b < blocks; ++b) sum += partial[c * blocks + b];
  gw[c] = from_op<T>(static_cast<typename OpMath<T>::type>(sum));
}

// gridDim.y's limit; the kernels loop over any channels beyond it.
constexpr int64_t kMaxGridY = 65535;

dim3 prelu_grid(int blocks, ChannelLayout l) {
  return dim3(blocks, static_cast<unsigned>(std::min<int64_t>(l.channels, kMaxGridY)));
}

int prelu_blocks(ChannelLayout l, int64_t n) {
  const int64_t per_channel = n / std::max<int64_t>(1, l.channels);
  return static_cast<int>(std::max<int64_t>(
      1, std::min<int64_t>(kPreluBlocksPerChannel, (per_channel + kThreads - 1) / kThreads)));
}

}  // namespace

template <typename T>
cudaError_t pointwise_forward(Pointwise op, const PointwiseParams& params, const T* x, T* y,
                              int64_t n, cudaStream_t stream) {
  return with_functor<typename OpMath<T>::type>(
      op, params, [&](const auto& f) { return launch_forward(f, x, y, n, stream); });
}

template <typename T>
cudaError_t pointwise_backward(Pointwise op, const PointwiseParams& params, const T* grad_out,
                               const T* saved, T* grad_in, int64_t n, cudaStream_t stream) {
  return with_functor<typename OpMath<T>::type>(op, params, [&](const auto& f) {
    return launch_backward(f, grad_out, saved, grad_in, n, stream);
  });
}

int64_t prelu_workspace_doubles(ChannelLayout layout, int64_t n) {
  return layout.channels * prelu_blocks(layout, n);
}

template <typename T>
cudaError_t prelu_forward(const T* x, const T* weight, T* y, ChannelLayout layout, int64_t n,
                          cudaStream_t stream) {
  if (n == 0 || layout.channels == 0) return cudaSuccess;
  prelu_forward_kernel<<<prelu_grid(prelu_blocks(layout, n), layout), kThreads, 0, stream>>>(
      x, weight, y, layout, n);
  return cudaGetLastError();
}

template <typename T>
cudaError_t prelu_backward(const T* grad_out, const T* x, const T* weight, T* grad_in,
                           T* grad_weight, double* workspace, ChannelLayout layout, int64_t n,
                           cudaStream_t stream) {
  if (layout.channels == 0) return cudaSuccess;
  const int blocks = prelu_blocks(layout, n);
  if (n > 0) {
    prelu_backward_kernel<<<prelu_grid(blocks, layout), kThreads, 0, stream>>>(
        grad_out, x, weight, grad_in, workspace, layout, n);
  } else {
    const cudaError_t status =
        cudaMemsetAsync(workspace, 0, sizeof(double) * layout.channels * blocks, stream);
    if (status != cudaSuccess) return status;
  }
  const int sum_blocks = static_cast<int>((layout.channels + kThreads - 1) / kThreads);
  prelu_weight_sum_kernel<<<sum_blocks, kThreads, 0, stream>>>(workspace, grad_weight,
                                                               layout.channels, blocks);
  return cudaGetLastError();
}

#define RELULAB_INSTANTIATE(T)                                                               \
  template cudaError_t pointwise_forward<T>(Pointwise, const PointwiseParams&, const T*, T*, \
                                            int64_t, cudaStream_t);                          \
  template cudaError_t pointwise_backward<T>(Pointwise, const PointwiseParams&, const T*,    \
                                             const T*, T*, int64_t, cudaStream_t);           \
  template cudaError_t prelu_forward<T>(const T*, const T*, T*, ChannelLayout, int64_t,      \
                                        cudaStream_t);                                       \
  template cudaError_t prelu_backward<T>(const T*, const T*, const T*, T*, T*, double*,      \
                                         ChannelLayout, int64_t, cudaStream_t);
RELULAB_INSTANTIATE(float)
RELULAB_INSTANTIATE(double)
RELULAB_INSTANTIATE(__half)
RELULAB_INSTANTIATE(__nv_bfloat16)
#undef RELULAB_INSTANTIATE

}  // namespace cuda
}  // namespace relulab
