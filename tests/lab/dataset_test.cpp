// Fashion-MNIST loading on a small fake copy written here: every tensor a
// trial sees holds, bit for bit, the normalisation of its own image's bytes
// (whatever order selection and normalisation happen in), with its own label,
// and validation never overlaps training.

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "lab/data/dataset.h"
#include <torch/torch.h>

namespace relulab {
namespace lab {
namespace {

void write_idx_gz(const std::string& path, const std::vector<int64_t>& sizes,
                  const std::vector<unsigned char>& data) {
  std::vector<unsigned char> bytes = {0, 0, 8, static_cast<unsigned char>(sizes.size())};
  for (const int64_t s : sizes) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back((s >> shift) & 0xFF);
  }
  bytes.insert(bytes.end(), data.begin(), data.end());
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

// n distinct 28 x 28 images of pseudo-random bytes (all 256 values occur)
// and labels i % 10.
struct FakeSplit {
  std::vector<unsigned char> pixels, labels;
};
FakeSplit fake_split(int64_t n, uint32_t seed) {
  FakeSplit s;
  uint32_t state = seed;
  for (int64_t i = 0; i < n * 28 * 28; ++i) {
    state = state * 1664525u + 1013904223u;
    s.pixels.push_back(static_cast<unsigned char>(state >> 24));
  }
  for (int64_t i = 0; i < n; ++i) s.labels.push_back(static_cast<unsigned char>(i % 10));
  return s;
}

std::string fake_fashion_mnist(const FakeSplit& train, const FakeSplit& test) {
  const auto dir = ::testing::TempDir() + "/fake_fashion_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const auto n_train = static_cast<int64_t>(train.labels.size());
  const auto n_test = static_cast<int64_t>(test.labels.size());
  write_idx_gz(dir + "/train-images-idx3-ubyte.gz", {n_train, 28, 28}, train.pixels);
  write_idx_gz(dir + "/train-labels-idx1-ubyte.gz", {n_train}, train.labels);
  write_idx_gz(dir + "/t10k-images-idx3-ubyte.gz", {n_test, 28, 28}, test.pixels);
  write_idx_gz(dir + "/t10k-labels-idx1-ubyte.gz", {n_test}, test.labels);
  return dir;
}

// load_dataset of config c with the fake files of these splits as its path.
Dataset load_fake(const FakeSplit& train, const FakeSplit& test, DataConfig c) {
  c.path = fake_fashion_mnist(train, test);
  return load_dataset(c);
}

// The documented normalisation, out of place as the loader once did it.
at::Tensor reference_images(const FakeSplit& s) {
  const auto n = static_cast<int64_t>(s.labels.size());
  auto bytes = torch::tensor(at::ArrayRef<unsigned char>(s.pixels), torch::kUInt8);
  bytes = bytes.reshape({n, 1, 28, 28});
  return (bytes.to(torch::kFloat32) / 255.0 - 0.2860) / 0.3530;
}

// For each row of x, the index of the bit-identical row of reference (-1 if none).
std::vector<int64_t> source_rows(const at::Tensor& x, const at::Tensor& reference) {
  std::vector<int64_t> rows;
  for (int64_t i = 0; i < x.size(0); ++i) {
    int64_t found = -1;
    for (int64_t j = 0; j < reference.size(0) && found < 0; ++j) {
      if (torch::equal(x[i], reference[j])) found = j;
    }
    rows.push_back(found);
  }
  return rows;
}

void expect_rows_of(const at::Tensor& x, const at::Tensor& y, const at::Tensor& reference,
                    const char* what, std::vector<int64_t>* rows_out = nullptr) {
  ASSERT_EQ(x.scalar_type(), torch::kFloat32) << what;
  ASSERT_EQ(x.sizes().slice(1), at::IntArrayRef({1, 28, 28})) << what;
  const auto rows = source_rows(x, reference);
  for (int64_t i = 0; i < x.size(0); ++i) {
    ASSERT_GE(rows[i], 0) << what << " row " << i << " is no image's normalised bytes";
    if (y.defined()) EXPECT_EQ(y[i].item<int64_t>(), rows[i] % 10) << what << " row " << i;
  }
  if (rows_out) *rows_out = rows;
}

TEST(DatasetTest, FashionMnistTensorsAreTheirImagesNormalisedBitForBit) {
  const auto train = fake_split(60, 1);
  const auto test = fake_split(20, 2);
  DataConfig c;
  c.validation = 12;
  c.train_subset = 30;
  c.test_subset = 15;
  c.probe_size = 7;
  c.seed = 3;
  const auto d = load_fake(train, test, c);
  ASSERT_EQ(d.train_x.size(0), 30);
  ASSERT_EQ(d.val_x.size(0), 12);
  ASSERT_EQ(d.test_x.size(0), 15);
  ASSERT_EQ(d.probe_x.size(0), 7);
  const auto train_reference = reference_images(train);
  std::vector<int64_t> train_rows, val_rows;
  expect_rows_of(d.train_x, d.train_y, train_reference, "train", &train_rows);
  expect_rows_of(d.val_x, d.val_y, train_reference, "validation", &val_rows);
  expect_rows_of(d.probe_x, {}, train_reference, "probe");
  expect_rows_of(d.test_x, d.test_y, reference_images(test), "test");
  for (const int64_t v : val_rows) {
    EXPECT_EQ(std::count(train_rows.begin(), train_rows.end(), v), 0)
        << "validation image " << v << " is also a training image";
  }
}

TEST(DatasetTest, NoValidationSplitLeavesItUndefined) {
  const auto train = fake_split(20, 4);
  const auto test = fake_split(10, 5);
  DataConfig c;
  c.validation = 0;
  c.probe_size = 5;
  const auto d = load_fake(train, test, c);
  EXPECT_FALSE(d.val_x.defined());
  expect_rows_of(d.train_x, d.train_y, reference_images(train), "train");
  EXPECT_EQ(d.train_x.size(0), 20);
}

}  // namespace
}  // namespace lab
}  // namespace relulab
