// Datasets: Fashion-MNIST from Debian's files, and synthetic ones.

#include "lab/data/dataset.h"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "lab/data/idx_file.h"

namespace relulab {
namespace lab {
namespace {

// Fashion-MNIST's training-set pixel mean and standard deviation (of x/255).
constexpr double kFashionMean = 0.2860;
constexpr double kFashionStd = 0.3530;

at::Generator data_generator(const DataConfig& c, int64_t stream) {
  // Separate streams for subsets, probe and synthetic draws, all from data.seed.
  return at::detail::createCPUGenerator(static_cast<uint64_t>(c.seed) * 1000003u + stream);
}

at::Tensor first_of_permutation(int64_t n, int64_t k, at::Generator gen) {
  return torch::randperm(n, gen, torch::kLong).slice(0, 0, std::min(n, k));
}

Dataset fashion_mnist(const DataConfig& c) {
  const std::filesystem::path dir(c.path);
  auto images = [&](const char* f) {
    auto t = read_idx_gz((dir / f).string());
    if (t.dim() != 3 || t.size(1) != 28 || t.size(2) != 28) {
      throw std::runtime_error((dir / f).string() + ": expected N x 28 x 28 images");
    }
    return t.unsqueeze(1);
  };
  // Pixels stay bytes while subsets are picked, and each tensor the trials
  // use is normalised once, in place: the same floats as normalising all
  // 70 000 images out of place (four fresh 188 MB tensors), without the page
  // faults of those allocations, which cost seconds before the first trial.
  auto normalised = [](const at::Tensor& bytes) {
    return bytes.to(torch::kFloat32).div_(255.0).sub_(kFashionMean).div_(kFashionStd);
  };
  auto labels = [&](const char* f, int64_t n) {
    auto t = read_idx_gz((dir / f).string());
    if (t.dim() != 1 || t.size(0) != n) {
      throw std::runtime_error((dir / f).string() + ": expected " + std::to_string(n) + " labels");
    }
    if (t.max().item<int64_t>() > 9) throw std::runtime_error((dir / f).string() + ": label > 9");
    return t.to(torch::kLong);
  };
  Dataset d;
  d.classes = 10;
  d.input_shape = {1, 28, 28};
  d.train_x = images("train-images-idx3-ubyte.gz");
  d.train_y = labels("train-labels-idx1-ubyte.gz", d.train_x.size(0));
  d.test_x = images("t10k-images-idx3-ubyte.gz");
  d.test_y = labels("t10k-labels-idx1-ubyte.gz", d.test_x.size(0));
  // The probe set comes from the full training set before subsetting, so all
  // subsets of a sweep share it.
  d.probe_x = d.train_x.index_select(
      0, first_of_permutation(d.train_x.size(0), c.probe_size, data_generator(c, 1)));
  // Validation first, from its own stream: the same images whatever
  // train_subset is, and never among the training examples.
  if (c.validation > 0) {
    const int64_t n = d.train_x.size(0);
    const auto order = torch::randperm(n, data_generator(c, 8), torch::kLong);
    const int64_t held_out = std::min(c.validation, n - 1);
    const auto val = order.slice(0, 0, held_out);
    const auto rest = std::get<0>(order.slice(0, held_out).sort());  // training keeps file order
    d.val_x = d.train_x.index_select(0, val);
    d.val_y = d.train_y.index_select(0, val);
    d.train_x = d.train_x.index_select(0, rest);
    d.train_y = d.train_y.index_select(0, rest);
  }
  if (c.train_subset > 0) {
    const auto idx = first_of_permutation(d.train_x.size(0), c.train_subset, data_generator(c, 2));
    d.train_x = d.train_x.index_select(0, idx);
    d.train_y = d.train_y.index_select(0, idx);
  }
  if (c.test_subset > 0) {
    const auto idx = first_of_permutation(d.test_x.size(0), c.test_subset, data_generator(c, 3));
    d.test_x = d.test_x.index_select(0, idx);
    d.test_y = d.test_y.index_select(0, idx);
  }
  for (auto* x : {&d.train_x, &d.test_x, &d.val_x, &d.probe_x}) {
    if (x->defined()) *x = normalised(*x);
  }
  return d;
}

// k interleaved spirals: class c's points at radius t and angle 2 pi c / k +
// 3 pi t for t ~ U(0, 1), plus N(0, noise^2) on each coordinate.
std::pair<at::Tensor, at::Tensor> spiral_points(const DataConfig& c, int64_t n, at::Generator gen) {
  const auto labels = torch::arange(n, torch::kLong).remainder(c.arms);
  const auto t = torch::rand({n}, gen);
  const auto angle = labels.to(torch::kFloat) * (2 * M_PI / c.arms) + t * (3 * M_PI);
  auto x = torch::stack({t * torch::cos(angle), t * torch::sin(angle)}, 1);
  x = x + torch::randn({n, 2}, gen) * c.noise;
  return {x, labels};
}

Dataset spirals(const DataConfig& c) {
  Dataset d;
  d.classes = c.arms;
  d.input_shape = {2};
  std::tie(d.train_x, d.train_y) = spiral_points(c, c.samples, data_generator(c, 4));
  std::tie(d.test_x, d.test_y) = spiral_points(c, c.test_samples, data_generator(c, 5));
  std::tie(d.val_x, d.val_y) =
      spiral_points(c, std::min(c.validation, c.test_samples), data_generator(c, 9));
  d.probe_x = d.train_x.slice(0, 0, std::min(c.samples, c.probe_size));
  return d;
}

// A random ReLU network labels standard Gaussian inputs by its argmax.
Dataset teacher(const DataConfig& c) {
  Dataset d;
  d.classes = c.classes;
  d.input_shape = {c.input_dim};
  auto gen = data_generator(c, 6);
  std::vector<at::Tensor> weights;
  int64_t fan_in = c.input_dim;
  for (int64_t l = 0; l < c.teacher_depth; ++l) {
    weights.push_back(torch::randn({fan_in, c.teacher_width}, gen) * std::sqrt(2.0 / fan_in));
    fan_in = c.teacher_width;
  }
  weights.push_back(torch::randn({fan_in, c.classes}, gen) * std::sqrt(1.0 / fan_in));
  auto label = [&](const at::Tensor& x) {
    at::Tensor h = x;
    for (size_t l = 0; l + 1 < weights.size(); ++l) h = torch::relu(h.matmul(weights[l]));
    return h.matmul(weights.back()).argmax(1);
  };
  d.train_x = torch::randn({c.samples, c.input_dim}, gen);
  d.test_x = torch::randn({c.test_samples, c.input_dim}, gen);
  d.train_y = label(d.train_x);
  d.test_y = label(d.test_x);
  d.val_x =
      torch::randn({std::min(c.validation, c.test_samples), c.input_dim}, data_generator(c, 10));
  d.val_y = label(d.val_x);
  d.probe_x = d.train_x.slice(0, 0, std::min(c.samples, c.probe_size));
  return d;
}

// Inputs only: statistics at initialisation (Lu et al. 2019's born-dead
// networks are judged over Gaussian inputs).
Dataset gaussian(const DataConfig& c) {
  Dataset d;
  d.classes = 0;
  d.input_shape = {c.input_dim};
  d.probe_x = torch::randn({c.probe_size, c.input_dim}, data_generator(c, 7));
  d.train_x = torch::empty({0, c.input_dim});
  d.train_y = torch::empty({0}, torch::kLong);
  d.test_x = d.train_x;
  d.test_y = d.train_y;
  d.val_x = d.train_x;
  d.val_y = d.train_y;
  return d;
}

}  // namespace

Dataset load_dataset(const DataConfig& config) {
  torch::NoGradGuard no_grad;
  switch (config.dataset) {
    case DatasetKind::kFashionMnist:
      return fashion_mnist(config);
    case DatasetKind::kSpirals:
      return spirals(config);
    case DatasetKind::kTeacher:
      return teacher(config);
    case DatasetKind::kGaussian:
      return gaussian(config);
  }
  throw std::runtime_error("unknown dataset " + std::to_string(static_cast<int>(config.dataset)));
}

}  // namespace lab
}  // namespace relulab
