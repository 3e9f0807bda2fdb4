#include "lab/models/max_pool.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "lab/avx2_clone.h"

namespace relulab {
namespace lab {
namespace {

// Note [Max-pool rows as vector loops]
// Each window's maximum and its position (0..3, row-major: a, b in the top
// row, c, d below) by LibTorch's rule: a later value replaces the maximum if
// greater or NaN. Starting from a instead of -inf changes nothing (a = -inf
// keeps position 0 either way). The forward that records positions
// (training) used to compile to scalar code with a branch per comparison;
// maxima lie at random positions, so those branches mispredicted, and it
// took 12% of a CNN training epoch (perf, AVX2 machine, 2026-11-28). Rows
// are short (14 and 7 windows in the CNN), and a plain loop over a row ran
// mostly in its scalar remainder; instead the windows go through in chunks
// of 8 (or 4), fixed trip counts GCC vectorises whole (selects, not
// branches; positions as int32, narrowed afterwards), the row's last chunk
// moved back to end at the row's end: it recomputes a few windows and
// writes the same values again. The backward writes every element of the
// input's gradient once (0 + g at the recorded position, +0.0 elsewhere)
// instead of zeroing it and scattering: the same bits as LibTorch's
// zeros-then-add (0 + -0.0 = +0.0), without the zeroing pass. The float
// chunks are cloned for AVX2 (lab/avx2_clone.h); double runs the same
// templates uncloned.
template <int64_t N, typename T>
inline void pool_chunk(const T* __restrict top, const T* __restrict bottom, T* __restrict out,
                       int32_t* __restrict where) {
  for (int64_t j = 0; j < N; ++j) {
    const T a = top[2 * j], b = top[2 * j + 1], c = bottom[2 * j], d = bottom[2 * j + 1];
    T m = a;
    int32_t k = 0;
    const bool tb = (b > m) | (b != b);
    m = tb ? b : m;
    k = tb ? 1 : k;
    const bool tc = (c > m) | (c != c);
    m = tc ? c : m;
    k = tc ? 2 : k;
    const bool td = (d > m) | (d != d);
    m = td ? d : m;
    k = td ? 3 : k;
    out[j] = m;
    where[j] = k;
  }
}

RELULAB_AVX2_CLONE void pool_chunk8_float(const float* top, const float* bottom, float* out,
                                          int32_t* where) {
  pool_chunk<8>(top, bottom, out, where);
}
RELULAB_AVX2_CLONE void pool_chunk4_float(const float* top, const float* bottom, float* out,
                                          int32_t* where) {
  pool_chunk<4>(top, bottom, out, where);
}

// Windows [j, j + N) of a row; `where` may be null (evaluation).
template <int64_t N, typename T>
inline void pool_windows(const T* top, const T* bottom, T* out, uint8_t* where, int64_t j) {
  int32_t k[N];
  if constexpr (std::is_same_v<T, float> && N == 8) {
    pool_chunk8_float(top + 2 * j, bottom + 2 * j, out + j, k);
  } else if constexpr (std::is_same_v<T, float> && N == 4) {
    pool_chunk4_float(top + 2 * j, bottom + 2 * j, out + j, k);
  } else {
    pool_chunk<N>(top + 2 * j, bottom + 2 * j, out + j, k);
  }
  if (where) {
    for (int64_t i = 0; i < N; ++i) where[j + i] = static_cast<uint8_t>(k[i]);
  }
}

// Calls chunk(std::integral_constant<int64_t, N>{}, j) for windows [j, j + N)
// covering a row's [0, ow): chunks of 8 (or 4, or single windows), the last
// chunk moved back to end at the row's end (it recomputes a few windows,
// writing the same values).
template <typename Chunk>
void for_each_chunk(int64_t ow, const Chunk& chunk) {
  const auto in_chunks = [&](auto size) {
    constexpr int64_t N = decltype(size)::value;
    for (int64_t j = 0;; j += N) {
      if (j + N >= ow) return chunk(size, ow - N);
      chunk(size, j);
    }
  };
  if (ow >= 8) return in_chunks(std::integral_constant<int64_t, 8>{});
  if (ow >= 4) return in_chunks(std::integral_constant<int64_t, 4>{});
  for (int64_t j = 0; j < ow; ++j) chunk(std::integral_constant<int64_t, 1>{}, j);
}

template <typename T>
void pool_row(const T* top, const T* bottom, T* out, uint8_t* where, int64_t ow) {
  for_each_chunk(ow, [&](auto size, int64_t j) {
    pool_windows<decltype(size)::value>(top, bottom, out, where, j);
  });
}

// Forward over contiguous NCHW planes; `where` may be null (no gradient).
template <typename T>
void pool_planes(const T* in, T* out, uint8_t* where, int64_t planes, int64_t h, int64_t w) {
  const int64_t oh = h / 2, ow = w / 2;
  at::parallel_for(0, planes, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const T* plane = in + p * h * w;
      for (int64_t i = 0; i < oh; ++i) {
        const T* top = plane + 2 * i * w;
        const int64_t o = (p * oh + i) * ow;
        pool_row(top, top + w, out + o, where ? where + o : nullptr, ow);
      }
    }
  });
}

// `bits` where `keep`, else +0.0: a mask rather than a select between
// floats, which GCC did not vectorise.
template <typename T, typename Bits>
inline T bits_if(Bits bits, bool keep) {
  const Bits masked = bits & (Bits(0) - Bits(keep));
  T value;
  std::memcpy(&value, &masked, sizeof(T));
  return value;
}

// The gradient of N windows: 0 + g at the recorded position.
template <int64_t N, typename T>
inline void unpool_chunk(const T* __restrict grad_out, const int32_t* __restrict where,
                         T* __restrict top, T* __restrict bottom) {
  using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
  for (int64_t j = 0; j < N; ++j) {
    const T g = T(0) + grad_out[j];
    Bits bits;
    std::memcpy(&bits, &g, sizeof(T));
    const int32_t k = where[j];
    top[2 * j] = bits_if<T>(bits, k == 0);
    top[2 * j + 1] = bits_if<T>(bits, k == 1);
    bottom[2 * j] = bits_if<T>(bits, k == 2);
    bottom[2 * j + 1] = bits_if<T>(bits, k == 3);
  }
}

RELULAB_AVX2_CLONE void unpool_chunk8_float(const float* grad_out, const int32_t* where, float* top,
                                            float* bottom) {
  unpool_chunk<8>(grad_out, where, top, bottom);
}
RELULAB_AVX2_CLONE void unpool_chunk4_float(const float* grad_out, const int32_t* where, float* top,
                                            float* bottom) {
  unpool_chunk<4>(grad_out, where, top, bottom);
}

template <int64_t N, typename T>
inline void unpool_windows(const T* grad_out, const uint8_t* where, T* top, T* bottom, int64_t j) {
  int32_t k[N];
  for (int64_t i = 0; i < N; ++i) k[i] = where[j + i];
  if constexpr (std::is_same_v<T, float> && N == 8) {
    unpool_chunk8_float(grad_out + j, k, top + 2 * j, bottom + 2 * j);
  } else if constexpr (std::is_same_v<T, float> && N == 4) {
    unpool_chunk4_float(grad_out + j, k, top + 2 * j, bottom + 2 * j);
  } else {
    unpool_chunk<N>(grad_out + j, k, top + 2 * j, bottom + 2 * j);
  }
}

template <typename T>
void unpool_row(const T* grad_out, const uint8_t* where, T* top, T* bottom, int64_t ow) {
  for_each_chunk(ow, [&](auto size, int64_t j) {
    unpool_windows<decltype(size)::value>(grad_out, where, top, bottom, j);
  });
}

// Backward: writes all of grad_in (Note [Max-pool rows as vector loops]); an
// odd last row or column, outside every window, gets +0.0.
template <typename T>
void unpool_planes(const T* grad_out, const uint8_t* where, T* grad_in, int64_t planes, int64_t h,
                   int64_t w) {
  const int64_t oh = h / 2, ow = w / 2;
  at::parallel_for(0, planes, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      T* plane = grad_in + p * h * w;
      for (int64_t i = 0; i < oh; ++i) {
        T* top = plane + 2 * i * w;
        const int64_t o = (p * oh + i) * ow;
        unpool_row(grad_out + o, where + o, top, top + w, ow);
        if (w % 2) top[w - 1] = top[2 * w - 1] = T(0);
      }
      if (h % 2) std::fill(plane + (h - 1) * w, plane + h * w, T(0));
    }
  });
}

bool ours(const at::Tensor& x) {
  return x.device().is_cpu() && x.dim() == 4 &&
         (x.scalar_type() == at::kFloat || x.scalar_type() == at::kDouble) && x.size(2) >= 2 &&
         x.size(3) >= 2;
}

std::vector<int64_t> pooled_sizes(const at::Tensor& x) {
  return {x.size(0), x.size(1), x.size(2) / 2, x.size(3) / 2};
}

at::Tensor pool(const at::Tensor& x, at::Tensor* where) {
  const auto in = x.contiguous();
  auto out = at::empty(pooled_sizes(in), in.options());
  if (where) *where = at::empty(pooled_sizes(in), in.options().dtype(at::kByte));
  const int64_t planes = in.size(0) * in.size(1);
  AT_DISPATCH_FLOATING_TYPES(in.scalar_type(), "relulab_max_pool2x2", [&] {
    pool_planes<scalar_t>(in.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(),
                          where ? where->data_ptr<uint8_t>() : nullptr, planes, in.size(2),
                          in.size(3));
  });
  return out;
}

class MaxPool2x2Function : public torch::autograd::Function<MaxPool2x2Function> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x) {
    at::Tensor where;
    auto out = pool(x, &where);
    ctx->save_for_backward({where});
    ctx->saved_data["sizes"] = x.sizes().vec();
    return out;
  }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const auto where = ctx->get_saved_variables()[0];
    const auto sizes = ctx->saved_data["sizes"].toIntVector();
    const auto grad_out = grads[0].contiguous();
    auto grad_in = at::empty(sizes, grad_out.options());  // every element written
    AT_DISPATCH_FLOATING_TYPES(grad_out.scalar_type(), "relulab_max_pool2x2_backward", [&] {
      unpool_planes<scalar_t>(grad_out.data_ptr<scalar_t>(), where.data_ptr<uint8_t>(),
                              grad_in.data_ptr<scalar_t>(), sizes[0] * sizes[1], sizes[2],
                              sizes[3]);
    });
    return {grad_in};
  }
};

}  // namespace

at::Tensor max_pool2x2(const at::Tensor& x) {
  if (!ours(x)) return at::max_pool2d(x, {2, 2});
  if (x.requires_grad() && at::GradMode::is_enabled()) return MaxPool2x2Function::apply(x);
  return pool(x, nullptr);
}

}  // namespace lab
}  // namespace relulab
