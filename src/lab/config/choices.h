// The configuration's choices as enums, each with the names a sweep file
// uses for it: parsed once (schema.cpp), compared as enums everywhere else.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace relulab {
namespace lab {

enum class DatasetKind { kFashionMnist, kSpirals, kTeacher, kGaussian };
enum class Arch { kMlp, kCnn };
enum class Init { kDefault, kKaimingNormal, kKaimingUniform, kXavierNormal, kOrthogonal };
enum class Optimizer { kSgd, kAdam, kAdamW };
enum class Schedule { kConstant, kCosine, kStep };
enum class Device { kCpu, kCuda };

/// Each value of Choice with its name, in the order the docs list them.
template <class Choice>
const std::vector<std::pair<Choice, std::string>>& choice_table();

#define RELULAB_CHOICE_TABLE(Choice, ...)                                            \
  template <>                                                                        \
  inline const std::vector<std::pair<Choice, std::string>>& choice_table<Choice>() { \
    static const std::vector<std::pair<Choice, std::string>> table = {__VA_ARGS__};  \
    return table;                                                                    \
  }
RELULAB_CHOICE_TABLE(DatasetKind, {DatasetKind::kFashionMnist, "fashion-mnist"},
                     {DatasetKind::kSpirals, "spirals"}, {DatasetKind::kTeacher, "teacher"},
                     {DatasetKind::kGaussian, "gaussian"})
RELULAB_CHOICE_TABLE(Arch, {Arch::kMlp, "mlp"}, {Arch::kCnn, "cnn"})
RELULAB_CHOICE_TABLE(Init, {Init::kDefault, "default"}, {Init::kKaimingNormal, "kaiming_normal"},
                     {Init::kKaimingUniform, "kaiming_uniform"},
                     {Init::kXavierNormal, "xavier_normal"}, {Init::kOrthogonal, "orthogonal"})
RELULAB_CHOICE_TABLE(Optimizer, {Optimizer::kSgd, "sgd"}, {Optimizer::kAdam, "adam"},
                     {Optimizer::kAdamW, "adamw"})
RELULAB_CHOICE_TABLE(Schedule, {Schedule::kConstant, "constant"}, {Schedule::kCosine, "cosine"},
                     {Schedule::kStep, "step"})
RELULAB_CHOICE_TABLE(Device, {Device::kCpu, "cpu"}, {Device::kCuda, "cuda"})
#undef RELULAB_CHOICE_TABLE

template <class Choice>
std::vector<std::string> choice_names() {
  std::vector<std::string> names;
  for (const auto& [value, name] : choice_table<Choice>()) names.push_back(name);
  return names;
}

template <class Choice>
const std::string& name_of(Choice choice) {
  for (const auto& [value, name] : choice_table<Choice>()) {
    if (value == choice) return name;
  }
  static const std::string unknown = "?";
  return unknown;
}

template <class Choice>
std::optional<Choice> parse_choice(const std::string& text) {
  for (const auto& [value, name] : choice_table<Choice>()) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace lab
}  // namespace relulab
