// The IDX reader against files written here with zlib: good, corrupt,
// truncated and over-long ones.

#include <gtest/gtest.h>
#include <zlib.h>

#include "lab/data/idx_file.h"
#include <torch/torch.h>

namespace relulab {
namespace lab {
namespace {

std::string write_gz(const std::string& name, const std::vector<unsigned char>& bytes) {
  const auto path = ::testing::TempDir() + "/" + name + "_" + std::to_string(::getpid()) + ".gz";
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
  return path;
}

// 2 images of 2x3 pixels.
std::vector<unsigned char> images() {
  return {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255};
}

std::string error_of(const std::string& path) {
  try {
    read_idx_gz(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(IdxFileTest, ReadsShapeAndBytes) {
  const auto t = read_idx_gz(write_gz("ok", images()));
  EXPECT_EQ(t.sizes(), at::IntArrayRef({2, 2, 3}));
  EXPECT_EQ(t[0][0][0].item<int>(), 1);
  EXPECT_EQ(t[1][1][2].item<int>(), 255);
}

TEST(IdxFileTest, RejectsCorruptFiles) {
  auto bad_magic = images();
  bad_magic[0] = 1;
  EXPECT_NE(error_of(write_gz("magic", bad_magic)).find("bad magic number"), std::string::npos);
  auto bad_type = images();
  bad_type[2] = 0x0D;  // float
  EXPECT_NE(error_of(write_gz("type", bad_type)).find("not unsigned byte"), std::string::npos);
  auto truncated = images();
  truncated.resize(truncated.size() - 3);
  const auto e = error_of(write_gz("truncated", truncated));
  EXPECT_NE(e.find("truncated data"), std::string::npos) << e;
  EXPECT_NE(e.find("truncated_"), std::string::npos) << "names the file: " << e;
  auto longer = images();
  longer.push_back(7);
  EXPECT_NE(error_of(write_gz("long", longer)).find("trailing data"), std::string::npos);
  EXPECT_NE(error_of("/nonexistent.gz").find("cannot open"), std::string::npos);
}

TEST(IdxFileTest, RefusesHeadersThatDeclareHugeData) {
  // 2^28 x 2^28 x 2^28 x 2^28 bytes: overflows int64, and is a gzip bomb's
  // header in any case. Refused from the header alone, nothing allocated.
  const std::vector<unsigned char> bomb = {0,  0, 8, 4, 16, 0, 0, 0, 16, 0, 0, 0,
                                           16, 0, 0, 0, 16, 0, 0, 0, 1,  2, 3};
  const auto e = error_of(write_gz("bomb", bomb));
  EXPECT_NE(e.find("declares more than 1024 MiB"), std::string::npos) << e;
  const std::vector<unsigned char> two_gib = {0, 0, 8, 2, 0, 0, 0x80,
                                              0, 0, 1, 0, 0, 1};  // 32768 x 65536
  EXPECT_NE(error_of(write_gz("two_gib", two_gib)).find("declares more than"), std::string::npos);
}

}  // namespace
}  // namespace lab
}  // namespace relulab
