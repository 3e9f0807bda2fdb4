// libFuzzer target: any bytes as an IDX file (gzip or not: zlib reads plain
// files too). read_idx_gz must return a tensor or throw std::runtime_error
// naming the file; a crash, a sanitizer report, an allocation past libFuzzer's
// -rss_limit_mb or a hang is a bug. Built with RELULAB_FUZZ=ON; run by
// scripts/sanitize.

#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz_input_file.h"
#include "lab/data/idx_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = relulab::fuzz::write_input("idx", ".gz", data, size);
  try {
    relulab::lab::read_idx_gz(path);
  } catch (const std::runtime_error&) {
    // a corrupt file, reported
  }
  return 0;
}
