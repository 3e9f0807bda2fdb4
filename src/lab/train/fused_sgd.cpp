#include "lab/train/fused_sgd.h"

#include <ATen/Dispatch.h>

#include <cmath>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>

namespace relulab {
namespace lab {
namespace {

bool fusable(const torch::optim::SGDOptions& o) {
  return o.momentum() != 0 && o.dampening() == 0 && !o.nesterov();
}

bool fusable(const at::Tensor& p) {
  return p.device().is_cpu() && p.is_contiguous() && p.grad().is_contiguous() &&
         p.grad().scalar_type() == p.scalar_type() &&
         (p.scalar_type() == at::kFloat || p.scalar_type() == at::kDouble);
}

// Compiled for AVX2+FMA (chosen at run time), so that std::fma is one
// instruction and the loops vectorise; this file is built with
// -ffp-contract=off so that buf * momentum + grad stays two roundings, as in
// LibTorch's separate mul_ and add_.
// With weight decay, SGD first makes d = grad.add(p, weight_decay), which
// LibTorch computes as one fused multiply-add too: d = fma(p, wd, grad).
// Without it d is grad itself (fma(p, 0, grad) would turn -0 into +0).
template <bool kDecay, typename T>
__attribute__((target("avx2,fma"))) void update(T* __restrict p, T* __restrict buf,
                                                const T* __restrict g, int64_t n, T momentum,
                                                T minus_lr, T weight_decay, bool fresh) {
  if (fresh) {  // SGD's first step: buf = clone(d)
    for (int64_t i = 0; i < n; ++i) {
      const T d = kDecay ? std::fma(p[i], weight_decay, g[i]) : g[i];
      buf[i] = d;
      p[i] = std::fma(d, minus_lr, p[i]);
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    const T d = kDecay ? std::fma(p[i], weight_decay, g[i]) : g[i];
    const T b = buf[i] * momentum + d;
    buf[i] = b;
    p[i] = std::fma(b, minus_lr, p[i]);
  }
}

// The key torch::optim keeps a parameter's state under: its TensorImpl's
// address, as a string in LibTorch 1.x (c10::guts::to_string of the pointer),
// as the pointer in 2.x.
template <typename Key>
Key state_key(const at::Tensor& p) {
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream address;
    address << static_cast<const void*>(p.unsafeGetTensorImpl());
    return address.str();
  } else {
    return static_cast<Key>(p.unsafeGetTensorImpl());
  }
}

bool cpu_has_fma() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}

}  // namespace

torch::Tensor FusedSGD::step(LossClosure closure) {
  if (!cpu_has_fma()) return torch::optim::SGD::step(closure);
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const torch::optim::SGDOptions&>(group.options());
    if (!fusable(options)) return torch::optim::SGD::step(closure);
    for (const auto& p : group.params()) {
      if (p.grad().defined() && !fusable(p)) return torch::optim::SGD::step(closure);
    }
  }
  torch::NoGradGuard no_grad;
  at::Tensor loss;
  if (closure) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const torch::optim::SGDOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      const auto key = state_key<typename decltype(state_)::key_type>(p);
      auto found = state_.find(key);
      const bool fresh = found == state_.end();
      at::Tensor buf;
      if (fresh) {
        buf = at::empty_like(p, at::MemoryFormat::Contiguous);
        auto state = std::make_unique<torch::optim::SGDParamState>();
        state->momentum_buffer(buf);
        state_[key] = std::move(state);
      } else {
        buf = static_cast<torch::optim::SGDParamState&>(*found->second).momentum_buffer();
      }
      const auto grad = p.grad();
      AT_DISPATCH_FLOATING_TYPES(p.scalar_type(), "relulab_fused_sgd", [&] {
        // As LibTorch converts the Scalars: momentum and -lr to the
        // parameter's type.
        const auto weight_decay = static_cast<scalar_t>(options.weight_decay());
        const auto update_one =
            weight_decay != 0 ? update<true, scalar_t> : update<false, scalar_t>;
        update_one(p.data_ptr<scalar_t>(), buf.data_ptr<scalar_t>(), grad.data_ptr<scalar_t>(),
                   p.numel(), static_cast<scalar_t>(options.momentum()),
                   static_cast<scalar_t>(-1 * options.lr()), weight_decay, fresh);
      });
    }
  }
  return loss;
}

}  // namespace lab
}  // namespace relulab
