// IDX reader: see idx_file.h. Format: a 4-byte magic (0, 0, type, ndims),
// ndims big-endian uint32 sizes, then the data in row-major order.

#include "lab/data/idx_file.h"

#include <zlib.h>

#include <ATen/ops/empty.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace relulab {
namespace lab {
namespace {

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

// The largest IDX file accepted: 1 GiB.
constexpr int64_t kMaxIdxBytes = int64_t{1} << 30;

[[noreturn]] void corrupt(const std::string& path, const std::string& why) {
  throw std::runtime_error(
      path + ": not a valid gzip IDX file: " + why +
      ". HINT: reinstall it (apt-get install --reinstall dataset-fashion-mnist)");
}

void read_exactly(gzFile f, void* out, size_t bytes, const std::string& path, const char* what) {
  auto* p = static_cast<unsigned char*>(out);
  while (bytes > 0) {
    const unsigned chunk = static_cast<unsigned>(std::min<size_t>(bytes, 1u << 30));
    const int got = gzread(f, p, chunk);
    if (got <= 0) {
      int err = 0;
      const char* msg = gzerror(f, &err);
      corrupt(path, std::string("truncated ") + what + (err ? std::string(" (") + msg + ")" : ""));
    }
    p += got;
    bytes -= static_cast<size_t>(got);
  }
}

}  // namespace

at::Tensor read_idx_gz(const std::string& path) {
  GzFile f(gzopen(path.c_str(), "rb"));
  if (!f)
    throw std::runtime_error(path + ": cannot open. HINT: apt-get install dataset-fashion-mnist");
  unsigned char magic[4];
  read_exactly(f.get(), magic, 4, path, "header");
  if (magic[0] != 0 || magic[1] != 0) corrupt(path, "bad magic number");
  if (magic[2] != 0x08) corrupt(path, "element type is not unsigned byte");
  const int ndims = magic[3];
  if (ndims < 1 || ndims > 4)
    corrupt(path, "unexpected number of dimensions " + std::to_string(ndims));
  std::vector<int64_t> sizes(ndims);
  int64_t total = 1;
  for (int d = 0; d < ndims; ++d) {
    unsigned char b[4];
    read_exactly(f.get(), b, 4, path, "header");
    sizes[d] = (int64_t{b[0]} << 24) | (int64_t{b[1]} << 16) | (int64_t{b[2]} << 8) | int64_t{b[3]};
    if (sizes[d] <= 0 || sizes[d] > (1 << 28)) corrupt(path, "implausible dimension size");
    // Checked before multiplying: four sizes of 2^28 overflow int64, and a
    // 40-byte gzip bomb must not make us allocate terabytes.
    if (total > kMaxIdxBytes / sizes[d]) {
      corrupt(path, "its header declares more than " + std::to_string(kMaxIdxBytes >> 20) +
                        " MiB of data (Fashion-MNIST's largest file holds 45 MiB)");
    }
    total *= sizes[d];
  }
  at::Tensor out = at::empty(sizes, at::TensorOptions().dtype(at::kByte));
  read_exactly(f.get(), out.data_ptr<uint8_t>(), static_cast<size_t>(total), path, "data");
  unsigned char extra;
  if (gzread(f.get(), &extra, 1) != 0) corrupt(path, "trailing data after the declared size");
  return out;
}

}  // namespace lab
}  // namespace relulab
