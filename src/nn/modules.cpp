// relulab's activation modules: options checked in reset(), maths in the
// functional layer, printing in LibTorch's format.

#include "relulab/nn/modules.h"

#include <torch/torch.h>

#include "ops/checks.h"
#include "relulab/nn/functional.h"

namespace relulab {
namespace nn {

namespace F = functional;

namespace {

// "relulab::nn::Softplus(beta=1, threshold=20)", with ", inplace=true" when set.
class ModulePrinter {
 public:
  ModulePrinter(std::ostream& stream, const char* module_name) : stream_(stream) {
    stream_ << "relulab::nn::" << module_name << "(";
  }
  // LibTorch's own options are always shown, relulab's extensions when set.
  void field(const char* name, double value, activations::ParamKind kind, double default_value) {
    if (kind == activations::ParamKind::Extension && value == default_value) return;
    stream_ << (first_ ? "" : ", ") << name << "=" << value;
    first_ = false;
  }
  void inplace(bool value) {
    if (value) stream_ << (first_ ? "" : ", ") << "inplace=true";
  }
  ~ModulePrinter() { stream_ << ")"; }

 private:
  std::ostream& stream_;
  bool first_ = true;
};

}  // namespace

#define RELULAB_PRINT_FIELD(name, value, kind, meaning) \
  printer.field(#name, options.name(), activations::ParamKind::kind, value);
#define RELULAB_DEFINE_MODULE(Module, op, Kernel, Saves, Inplace, Agreement, Kink, Gain, PARAMS)  \
  Module##Impl::Module##Impl(const Module##Options& options_) : options(options_) { reset(); }    \
  at::Tensor Module##Impl::forward(at::Tensor input) { return F::op(std::move(input), options); } \
  void Module##Impl::reset() {}                                                                   \
  void Module##Impl::pretty_print(std::ostream& stream) const {                                   \
    ModulePrinter printer(stream, #Module);                                                       \
    PARAMS(RELULAB_PRINT_FIELD)                                                                   \
    printer.inplace(inplace_of(options));                                                         \
  }
RELULAB_ACTIVATIONS(RELULAB_DEFINE_MODULE)
#undef RELULAB_DEFINE_MODULE
#undef RELULAB_PRINT_FIELD

PReLUImpl::PReLUImpl(const PReLUOptions& options_) : options(options_) { reset(); }
at::Tensor PReLUImpl::forward(const at::Tensor& input) { return F::prelu(input, weight); }
void PReLUImpl::reset() {
  TORCH_CHECK(options.num_parameters() >= 1,
              "relulab::nn::PReLU: num_parameters must be at least 1, but got ",
              options.num_parameters());
  weight = register_parameter("weight", torch::full(options.num_parameters(), options.init()));
}
void PReLUImpl::pretty_print(std::ostream& stream) const {
  stream << "relulab::nn::PReLU(num_parameters=" << options.num_parameters() << ")";
}

GELUImpl::GELUImpl(GELUOptions options_) : options(std::move(options_)) { reset(); }
at::Tensor GELUImpl::forward(const at::Tensor& input) { return F::gelu(input, options); }
void GELUImpl::reset() { checks::gelu_kind(options.approximate()); }
void GELUImpl::pretty_print(std::ostream& stream) const { stream << "relulab::nn::GELU()"; }

RReLUImpl::RReLUImpl(const RReLUOptions& options_) : options(options_) { reset(); }
at::Tensor RReLUImpl::forward(at::Tensor input) {
  return F::rrelu(std::move(input), F::RReLUFuncOptions()
                                        .lower(options.lower())
                                        .upper(options.upper())
                                        .training(is_training())
                                        .inplace(options.inplace()));
}
void RReLUImpl::reset() { checks::rrelu_bounds(options.lower(), options.upper()); }
void RReLUImpl::pretty_print(std::ostream& stream) const {
  stream << "relulab::nn::RReLU(lower=" << options.lower() << ", upper=" << options.upper();
  if (options.inplace()) stream << std::boolalpha << ", inplace=true";
  stream << ")";
}

}  // namespace nn
}  // namespace relulab
