// What every backend and the autograd layer agree on about the generated
// operators of relulab/activations.h: their names and schemas. Device-neutral:
// backends (cpu/launch.cpp, cuda/launch.cu) see them only through
// kernel_table.h; argument checks shared the same way are in checks.h.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <utility>

#include "relulab/activations.h"

namespace relulab {
namespace ops {

/// One double per index of I: the parameter pack of an activation's scalars.
template <std::size_t>
using Double = double;

template <class Activation>
const char* backward_name() {
  static const std::string name = std::string(Activation::name) + "_backward";
  return name.c_str();
}

/// "relulab::<op>", what the dispatcher knows the operator by.
template <class Activation>
const char* qualified_name() {
  static const std::string name = std::string("relulab::") + Activation::name;
  return name.c_str();
}
template <class Activation>
const char* qualified_backward_name() {
  static const std::string name = std::string("relulab::") + backward_name<Activation>();
  return name.c_str();
}

/// A schema default: shortest round-tripping text, always with a '.' or an
/// exponent so the parser reads a float.
inline std::string schema_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  std::string s = text;
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

/// "softplus(Tensor self, float beta=1.0, float threshold=20.0) -> Tensor"
template <class Activation>
std::string forward_schema() {
  std::string s = std::string(Activation::name) + "(Tensor self";
  for (const auto& p : Activation::params) {
    s += std::string(", float ") + p.name + "=" + schema_number(p.default_value);
  }
  return s + ") -> Tensor";
}

/// "softplus_backward(Tensor grad_output, Tensor self, float beta, float threshold) -> Tensor";
/// the second tensor is `result` where backward reads the output.
template <class Activation>
std::string backward_schema() {
  const bool reads_output = Activation::saves == activations::Saves::Output;
  std::string s = std::string(backward_name<Activation>()) + "(Tensor grad_output, Tensor " +
                  (reads_output ? "result" : "self");
  for (const auto& p : Activation::params) s += std::string(", float ") + p.name;
  return s + ") -> Tensor";
}

/// The scalars of one call, packed for the pointer-level kernels.
template <typename... Doubles>
activations::PointwiseParams pack_params(Doubles... values) {
  activations::PointwiseParams params;
  std::size_t i = 0;
  ((params.values[i++] = values), ...);
  (void)i;
  return params;
}

}  // namespace ops
}  // namespace relulab
