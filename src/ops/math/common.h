// Scalar activation maths shared by the CUDA kernels and the CPU tests: one
// header per activation, each a functor with forward(x) and backward(g, s)
// (s: what backward reads, see Note [What backward reads] in cpu/kernels.h).
// Arithmetic type T is float or double: 16-bit types compute in float.
#pragma once

#include <cmath>

#if defined(__CUDACC__)
#define RELULAB_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define RELULAB_HOST_DEVICE inline
#endif

namespace relulab {
namespace math {

// Unqualified exp(x) etc. then find the float and double overloads, on the
// host (libstdc++) and on the device (CUDA's std:: math functions).
using std::erf;
using std::exp;
using std::expm1;
using std::log1p;
using std::tanh;

template <typename T>
struct Constants {
  static constexpr T kSqrt1_2 = T(0.70710678118654752440);
  static constexpr T kInvSqrt2Pi = T(0.39894228040143267794);
  static constexpr T kSqrt2OverPi = T(0.79788456080286535588);
  static constexpr T kGeluKappa = T(0.044715);
};

}  // namespace math
}  // namespace relulab
