// PReLU CUDA kernels: see kernels.cuh. The input is (outer, channels, inner),
// contiguous, with one slope per channel (channels == 1: one shared slope,
// and then inner == n); the maths is math::LeakyRelu with the channel's slope.
//
// Note [PReLU on the GPU]
// The first H200 run (results/gpu) found PReLU far from bandwidth: a shared
// slope ran the whole tensor on 64 blocks (7-14x slower than torch), and
// per-channel PReLU paid a 64-bit divide and modulo per element with scalar
// accesses (forward at 2.0x a copy's time). Now:
// - forward: a flat grid-stride loop over 16-byte vectors, two per thread, one
//   pass (Note [One pass over the tensor], kernels.cu); a vector never straddles two channels
//   when inner is a multiple of its width, so the channel is computed once
//   per vector (per element otherwise);
// - backward: grid (blocks per channel, channels); block b of channel c walks
//   that channel's outer x inner elements as one sequence of vectors, every
//   gridDim.x-th chunk of kThreads, writes the input gradient and one partial
//   weight-gradient sum; then one block per channel adds its partials in a
//   fixed order. The blocks per channel depend on the shape alone (not the
//   device, not the pointers' alignment), so the weight gradient has the same
//   bits on every run and on every GPU;
// - index arithmetic in 32 bits when the tensor has fewer than 2^31 elements:
//   a 64-bit divide is a software routine of some 70 instructions.

#include <algorithm>
#include <limits>
#include <type_traits>

#include "ops/cuda/device_common.cuh"
#include "ops/cuda/kernels.cuh"
#include "ops/math/leaky_relu.h"

namespace relulab {
namespace cuda {
namespace {

using detail::aligned16;
using detail::block_sum;
using detail::from_op;
using detail::kThreads;
using detail::OpMath;
using detail::to_op;
using detail::Vec;

// About four waves of blocks on an H100/H200 (132 SMs, up to 8 resident
// blocks each), fixed so that the weight gradient's summation order, and with
// it its bits, does not depend on the GPU.
constexpr int64_t kPreluTargetBlocks = 4096;
// gridDim.y's limit; the kernels loop over any channels beyond it.
constexpr int64_t kMaxGridY = 65535;

int64_t grid_y(ChannelLayout l) { return std::min<int64_t>(l.channels, kMaxGridY); }

// Blocks per channel in the backward: from the shape alone (steps of 4
// elements per thread whatever the dtype), see Note [PReLU on the GPU].
int blocks_per_channel(ChannelLayout l, int64_t n) {
  const int64_t per_channel = n / l.channels;
  const int64_t wanted = (kPreluTargetBlocks + grid_y(l) - 1) / grid_y(l);
  const int64_t useful = (per_channel + kThreads * 4 - 1) / (kThreads * 4);
  return static_cast<int>(std::max<int64_t>(1, std::min(wanted, useful)));
}

// Vectors of T never straddle two channels (or one shared slope).
template <typename T>
bool vector_friendly(ChannelLayout l) {
  return l.channels == 1 || l.inner % Vec<T>::kSize == 0;
}

template <typename T, typename I>
__global__ void prelu_forward_kernel(const T* __restrict__ x, const T* __restrict__ w,
                                     T* __restrict__ y, I n, I channels, I inner, bool vectorised) {
  using M = typename OpMath<T>::type;
  const I stride = I(gridDim.x) * blockDim.x;
  const I first = I(blockIdx.x) * blockDim.x + threadIdx.x;
  I scalar_from = 0;
  if (vectorised) {
    constexpr int k = Vec<T>::kSize;
    const auto* xv = reinterpret_cast<const Vec<T>*>(x);
    auto* yv = reinterpret_cast<Vec<T>*>(y);
    const I row_vectors = inner / k;
    detail::grid_stride_pairs(
        first, stride, n / k, [&](I v) { return xv[v]; },
        [&](I v, const Vec<T>& in) {
          const I c = channels == 1 ? I(0) : (v / row_vectors) % channels;
          yv[v] = detail::forward_vector<T>(math::LeakyRelu<M>{to_op(w[c])}, in);
        });
    scalar_from = n / k * k;  // a tail only with one shared slope
  }
  for (I e = scalar_from + first; e < n; e += stride) {
    const I c = channels == 1 ? I(0) : (e / inner) % channels;
    y[e] = from_op<T>(math::LeakyRelu<M>{to_op(w[c])}.forward(to_op(x[e])));
  }
}

template <typename T, typename I>
struct GradAndInput {
  I at;  // vector index in the tensor
  Vec<T> g, x;
};

template <typename T, typename I>
__global__ void prelu_backward_kernel(const T* __restrict__ g, const T* __restrict__ x,
                                      const T* __restrict__ w, T* __restrict__ gi,
                                      double* __restrict__ partial, I outer, I channels, I inner,
                                      bool vectorised) {
  using M = typename OpMath<T>::type;
  // The weight gradient sums in double for double tensors (as the CPU path
  // does), in float otherwise.
  using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
  const I stride = I(gridDim.x) * blockDim.x;
  const I first = I(blockIdx.x) * blockDim.x + threadIdx.x;
  for (I c = blockIdx.y; c < channels; c += gridDim.y) {
    const math::LeakyRelu<M> op{to_op(w[c])};
    A acc = 0;
    // One element: input gradient, and the slope's gradient where x <= 0
    // (NaN included, as on the CPU).
    const auto element = [&](M xe, M ge) {
      if (!(xe > M(0))) acc += static_cast<A>(xe * ge);
      return from_op<T>(op.backward(ge, xe));
    };
    I done_per_row = 0;  // elements of each row handled as vectors
    if (vectorised) {
      constexpr int k = Vec<T>::kSize;
      const auto* gv = reinterpret_cast<const Vec<T>*>(g);
      const auto* xv = reinterpret_cast<const Vec<T>*>(x);
      auto* giv = reinterpret_cast<Vec<T>*>(gi);
      const I row_vectors = inner / k;
      detail::grid_stride_pairs(
          first, stride, outer * row_vectors,
          [&](I e) {
            const I row = e / row_vectors;
            const I at = (row * channels + c) * row_vectors + (e - row * row_vectors);
            return GradAndInput<T, I>{at, gv[at], xv[at]};
          },
          [&](I, const GradAndInput<T, I>& in) {
            Vec<T> out;
#pragma unroll
            for (int j = 0; j < k; ++j) out.v[j] = element(to_op(in.x.v[j]), to_op(in.g.v[j]));
            giv[in.at] = out;
          });
      done_per_row = row_vectors * k;
    }
    // What the vectors left of each row, one element at a time: every
    // element without vectors, else the last few of a shared slope's single
    // row (nothing when inner is a multiple of k).
    const I left = inner - done_per_row;
    for (I e = first; e < outer * left; e += stride) {
      const I row = e / left;
      const I at = (row * channels + c) * inner + done_per_row + (e - row * left);
      gi[at] = element(to_op(x[at]), to_op(g[at]));
    }
    const A sum = block_sum(acc);
    if (threadIdx.x == 0) partial[int64_t(c) * gridDim.x + blockIdx.x] = sum;
  }
}

template <typename T>
__global__ void prelu_weight_sum_kernel(const double* __restrict__ partial, T* __restrict__ gw,
                                        int64_t channels, int blocks) {
  for (int64_t c = blockIdx.x; c < channels; c += gridDim.x) {
    double sum = 0.0;  // fixed order: deterministic
    for (int b = threadIdx.x; b < blocks; b += kThreads) sum += partial[c * blocks + b];
    sum = block_sum(sum);
    if (threadIdx.x == 0) gw[c] = from_op<T>(static_cast<typename OpMath<T>::type>(sum));
  }
}

template <typename T, typename I>
cudaError_t launch_forward(const T* x, const T* w, T* y, ChannelLayout l, int64_t n,
                           cudaStream_t stream) {
  const bool vec = vector_friendly<T>(l) && aligned16(x) && aligned16(y);
  prelu_forward_kernel<T, I>
      <<<detail::grid_for(detail::work_items<T>(n, vec)), kThreads, 0, stream>>>(
          x, w, y, I(n), I(l.channels), I(l.inner), vec);
  return cudaGetLastError();
}

template <typename T, typename I>
cudaError_t launch_backward(const T* g, const T* x, const T* w, T* gi, double* partial,
                            ChannelLayout l, int64_t n, int blocks, cudaStream_t stream) {
  const bool vec = vector_friendly<T>(l) && aligned16(g) && aligned16(x) && aligned16(gi);
  const dim3 grid(blocks, static_cast<unsigned>(grid_y(l)));
  prelu_backward_kernel<T, I><<<grid, kThreads, 0, stream>>>(
      g, x, w, gi, partial, I(n / (l.channels * l.inner)), I(l.channels), I(l.inner), vec);
  return cudaGetLastError();
}

bool fits_32_bits(int64_t n) { return n <= std::numeric_limits<int32_t>::max(); }

}  // namespace

int64_t prelu_workspace_doubles(ChannelLayout layout, int64_t n) {
  if (layout.channels == 0) return 0;
  return layout.channels * blocks_per_channel(layout, n);
}

template <typename T>
cudaError_t prelu_forward(const T* x, const T* weight, T* y, ChannelLayout layout, int64_t n,
                          cudaStream_t stream) {
  if (n == 0 || layout.channels == 0) return cudaSuccess;
  return fits_32_bits(n) ? launch_forward<T, uint32_t>(x, weight, y, layout, n, stream)
                         : launch_forward<T, int64_t>(x, weight, y, layout, n, stream);
}

template <typename T>
cudaError_t prelu_backward(const T* grad_out, const T* x, const T* weight, T* grad_in,
                           T* grad_weight, double* workspace, ChannelLayout layout, int64_t n,
                           cudaStream_t stream) {
  if (layout.channels == 0) return cudaSuccess;
  // No elements: every slope's gradient is zero (all-zero bits in every dtype).
  if (n == 0) return cudaMemsetAsync(grad_weight, 0, sizeof(T) * layout.channels, stream);
  const int blocks = blocks_per_channel(layout, n);
  const cudaError_t status =
      fits_32_bits(n) ? launch_backward<T, uint32_t>(grad_out, x, weight, grad_in, workspace,
                                                     layout, n, blocks, stream)
                      : launch_backward<T, int64_t>(grad_out, x, weight, grad_in, workspace, layout,
                                                    n, blocks, stream);
  if (status != cudaSuccess) return status;
  const int sum_blocks = static_cast<int>(std::min<int64_t>(layout.channels, kPreluTargetBlocks));
  prelu_weight_sum_kernel<<<sum_blocks, kThreads, 0, stream>>>(workspace, grad_weight,
                                                               layout.channels, blocks);
  return cudaGetLastError();
}

#define RELULAB_INSTANTIATE(T)                                                          \
  template cudaError_t prelu_forward<T>(const T*, const T*, T*, ChannelLayout, int64_t, \
                                        cudaStream_t);                                  \
  template cudaError_t prelu_backward<T>(const T*, const T*, const T*, T*, T*, double*, \
                                         ChannelLayout, int64_t, cudaStream_t);
RELULAB_CUDA_FOR_EACH_DTYPE(RELULAB_INSTANTIATE)
#undef RELULAB_INSTANTIATE

}  // namespace cuda
}  // namespace relulab
