// The activation registry: every pointwise activation with scalar parameters,
// in one list. Ops, schemas, CPU and CUDA kernel dispatch, autograd, Options,
// modules, functional forms, make_activation, YAML names, init gains, the
// bench's op table and the parity tests' cases are all generated from it.
//
// Adding such an activation (see docs/architecture.md, "Adding an activation"):
//   1. src/ops/math/<op>.h: the scalar functor math::<Kernel><T> with
//      forward(x) and backward(g, saved): the CUDA kernel and the tests' reference;
//   2. src/ops/cpu/activations/<op>-inl.h: the Highway functor <Kernel>Op<T>;
//   3. one RELULAB_ACTIVATIONS line below, and its parameter list.
// Both functors take the parameters as their members, in the order listed.
// Ops whose shape differs (gelu's string option, prelu's learned weight,
// rrelu's randomness) are written by hand next to the generated ones.
//
// No LibTorch here: the CUDA and Highway kernels include this header too.
#pragma once

#include <array>
#include <cstddef>
#include <utility>

// X(Module, op, Kernel, Saves, Inplace, Agreement, Kink, Gain, PARAMS)
//   Module     the C++ name: Module##Impl, Module##Options, TORCH_MODULE(Module)
//   op         the operator (relulab::op, op_backward), function and YAML name
//   Kernel     the functors math::Kernel<T> and cpu::Kernel##Op<T>
//   Saves      what backward reads: Input or Output (Note [What backward reads])
//   Inplace    WithInplace / InplaceOnly (Options(bool) constructor) / NoInplace
//   Agreement  Bitwise or Tolerance against LibTorch (Note [Parity tolerances])
//   Kink       KinkAtZero when the derivative jumps at 0 (gradcheck avoids it)
//   Gain       how the network initialiser scales weights (ActivationGain)
//   PARAMS     P(name, default, kind, "meaning") per scalar parameter, in the
//              order of the schema, the functors' members and the Options
//              fields; kind is Option (LibTorch's Options has it too) or
//              Extension (relulab's only: pretty_print shows it when set)
#define RELULAB_ACTIVATIONS(X)                                                               \
  X(ReLU, relu, Relu, Output, InplaceOnly, Bitwise, KinkAtZero, Relu, RELULAB_NO_PARAMS)     \
  X(LeakyReLU, leaky_relu, LeakyRelu, Input, WithInplace, Bitwise, KinkAtZero, LeakyRelu,    \
    RELULAB_LEAKY_RELU_PARAMS)                                                               \
  X(Sigmoid, sigmoid, Sigmoid, Output, NoInplace, Tolerance, Smooth, One, RELULAB_NO_PARAMS) \
  X(Tanh, tanh, Tanh, Output, NoInplace, Tolerance, Smooth, Tanh, RELULAB_NO_PARAMS)         \
  X(ELU, elu, Elu, Input, WithInplace, Tolerance, KinkAtZero, Relu, RELULAB_ELU_PARAMS)      \
  X(SELU, selu, Selu, Input, InplaceOnly, Tolerance, KinkAtZero, Selu, RELULAB_NO_PARAMS)    \
  X(SiLU, silu, Silu, Input, NoInplace, Tolerance, Smooth, Relu, RELULAB_NO_PARAMS)          \
  X(Softplus, softplus, Softplus, Input, NoInplace, Tolerance, Smooth, Relu,                 \
    RELULAB_SOFTPLUS_PARAMS)                                                                 \
  X(Mish, mish, Mish, Input, NoInplace, Tolerance, Smooth, Relu, RELULAB_NO_PARAMS)          \
  X(Hardswish, hardswish, Hardswish, Input, NoInplace, Tolerance, Smooth, Relu, RELULAB_NO_PARAMS)

#define RELULAB_NO_PARAMS(P)
#define RELULAB_LEAKY_RELU_PARAMS(P) P(negative_slope, 0.01, Option, "Slope for x < 0")
#define RELULAB_ELU_PARAMS(P)                                         \
  P(alpha, 1.0, Option, "ELU approaches -alpha * scale as x -> -inf") \
  P(scale, 1.0, Extension, "Output scale (SELU's lambda)")            \
  P(input_scale, 1.0, Extension, "Scale of x inside exp")
#define RELULAB_SOFTPLUS_PARAMS(P)                               \
  P(beta, 1.0, Option, "Multiplier of x inside the exponential") \
  P(threshold, 20.0, Option, "Where beta * x exceeds it, the output is x")

/// Kernels without a generated operator of their own (gelu is hand-written:
/// its option is a string choosing between these two).
#define RELULAB_EXTRA_KERNELS(K) K(GeluErf) K(GeluTanh)

namespace relulab {
namespace activations {

/// SELU's constants (Klambauer et al. 2017), as LibTorch uses them.
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

/// Every pointwise kernel, one per functor pair.
enum class Pointwise : int {
#define RELULAB_KERNEL_ENUMERATOR(Module, op, Kernel, ...) k##Kernel,
#define RELULAB_EXTRA_KERNEL_ENUMERATOR(Kernel) k##Kernel,
  RELULAB_ACTIVATIONS(RELULAB_KERNEL_ENUMERATOR)
      RELULAB_EXTRA_KERNELS(RELULAB_EXTRA_KERNEL_ENUMERATOR)
#undef RELULAB_KERNEL_ENUMERATOR
#undef RELULAB_EXTRA_KERNEL_ENUMERATOR
};

/// The most scalar parameters any activation takes.
constexpr std::size_t kMaxParams = 4;

/// The scalar parameters of one call, in the activation's order.
struct PointwiseParams {
  std::array<double, kMaxParams> values{};
};

enum class Saves { Input, Output };
enum class Inplace { WithInplace, InplaceOnly, NoInplace };
enum class Agreement { Bitwise, Tolerance };
enum class Kink { KinkAtZero, Smooth };
/// LibTorch's calculate_gain where it has one. Relu also serves the smooth
/// ReLU-likes (elu, silu, gelu, softplus, mish), whose positive side is
/// about the identity; LeakyRelu uses the first parameter as the slope.
enum class ActivationGain { Relu, LeakyRelu, Tanh, One, Selu };

enum class ParamKind { Option, Extension };

struct Param {
  const char* name;
  double default_value;
  ParamKind kind;
  const char* meaning;
};

#define RELULAB_PARAM_ENTRY(name, value, kind, meaning) \
  Param{#name, value, ParamKind::kind, meaning},
#define RELULAB_PARAM_COUNT(name, value, kind, meaning) +1
#define RELULAB_DEFINE_TRAITS(Module, op, Kernel, SavesWhat, InplaceKind, AgreementKind, KinkKind, \
                              GainKind, PARAMS)                                                    \
  struct Module {                                                                                  \
    static constexpr const char* name = #op;                                                       \
    static constexpr const char* module_name = #Module;                                            \
    static constexpr Pointwise kernel = Pointwise::k##Kernel;                                      \
    static constexpr Saves saves = Saves::SavesWhat;                                               \
    static constexpr Inplace inplace = Inplace::InplaceKind;                                       \
    static constexpr Agreement agreement = Agreement::AgreementKind;                               \
    static constexpr Kink kink = Kink::KinkKind;                                                   \
    static constexpr ActivationGain gain = ActivationGain::GainKind;                               \
    static constexpr std::size_t num_params = 0 PARAMS(RELULAB_PARAM_COUNT);                       \
    static constexpr std::array<Param, num_params> params = {{PARAMS(RELULAB_PARAM_ENTRY)}};       \
    static_assert(num_params <= kMaxParams, "raise kMaxParams");                                   \
  };
RELULAB_ACTIVATIONS(RELULAB_DEFINE_TRAITS)
#undef RELULAB_DEFINE_TRAITS
#undef RELULAB_PARAM_COUNT
#undef RELULAB_PARAM_ENTRY

// Expansions of a PARAMS list used by the generated declarations.
#define RELULAB_PARAM_WITH_DEFAULT(name, value, kind, meaning) , double name = value
#define RELULAB_PARAM_DECLARATION(name, value, kind, meaning) , double name
#define RELULAB_PARAM_ARGUMENT(name, value, kind, meaning) , name

namespace detail {
template <class Functor, typename T, std::size_t... I>
Functor make_functor(const PointwiseParams& p, std::index_sequence<I...>) {
  return Functor{T(p.values[I])...};
}
}  // namespace detail

/// A kernel's functor (scalar or vector) with the call's parameters as its
/// members: Functor{T(p[0]), T(p[1]), ...}.
template <class Functor, typename T, std::size_t kNumParams>
Functor make_functor(const PointwiseParams& p) {
  return detail::make_functor<Functor, T>(p, std::make_index_sequence<kNumParams>{});
}

/// Calls f(Traits{}) for every activation in the list, in order.
template <class F>
void for_each_activation(F&& f) {
#define RELULAB_VISIT(Module, ...) f(Module{});
  RELULAB_ACTIVATIONS(RELULAB_VISIT)
#undef RELULAB_VISIT
}

}  // namespace activations
}  // namespace relulab
