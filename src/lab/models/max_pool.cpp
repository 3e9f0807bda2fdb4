#include "lab/models/max_pool.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <cstdint>
#include <limits>

namespace relulab {
namespace lab {
namespace {

// One window (a, b in the top row, c, d below): the maximum and its position
// (0..3, row-major), by LibTorch's rule: a later value replaces the maximum
// if greater or NaN. Starting from a instead of -inf changes nothing (a = -inf
// keeps position 0 either way). Branch-free selects, so that the loop over a
// row vectorises.
template <typename T>
inline void window_max(T a, T b, T c, T d, T* value, uint8_t* where) {
  T m = a;
  uint8_t k = 0;
  bool t = (b > m) | (b != b);
  m = t ? b : m;
  k = t ? 1 : k;
  t = (c > m) | (c != c);
  m = t ? c : m;
  k = t ? 2 : k;
  t = (d > m) | (d != d);
  m = t ? d : m;
  k = t ? 3 : k;
  *value = m;
  *where = k;
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
        const T* bottom = top + w;
        T* o = out + (p * oh + i) * ow;
        uint8_t* k = where ? where + (p * oh + i) * ow : nullptr;
        // Two loops, not one with `if (k)` inside: measured, that one made
        // evaluation slower (a one-epoch CNN trial 15.3-15.9 s instead of
        // 13.3-14.2 s; the compiler did not unswitch it).
        if (k) {
          for (int64_t j = 0; j < ow; ++j)
            window_max(top[2 * j], top[2 * j + 1], bottom[2 * j], bottom[2 * j + 1], &o[j], &k[j]);
        } else {
          for (int64_t j = 0; j < ow; ++j) {
            uint8_t unused;
            window_max(top[2 * j], top[2 * j + 1], bottom[2 * j], bottom[2 * j + 1], &o[j],
                       &unused);
          }
        }
      }
    }
  });
}

// Backward: the gradient goes to each window's recorded position, added to
// zero as LibTorch does (so a -0.0 gradient arrives as +0.0, bit for bit).
template <typename T>
void unpool_planes(const T* grad_out, const uint8_t* where, T* grad_in, int64_t planes, int64_t h,
                   int64_t w) {
  const int64_t oh = h / 2, ow = w / 2;
  at::parallel_for(0, planes, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      T* plane = grad_in + p * h * w;
      for (int64_t i = 0; i < oh; ++i) {
        const T* g = grad_out + (p * oh + i) * ow;
        const uint8_t* k = where + (p * oh + i) * ow;
        for (int64_t j = 0; j < ow; ++j) {
          plane[(2 * i + (k[j] >> 1)) * w + 2 * j + (k[j] & 1)] += g[j];
        }
      }
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
    auto grad_in = at::zeros(sizes, grad_out.options());
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
