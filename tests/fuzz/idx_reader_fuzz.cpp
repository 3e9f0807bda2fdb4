// libFuzzer target: any bytes as an IDX file (gzip or not: zlib reads plain
// files too). read_idx_gz must return a tensor or throw std::runtime_error
// naming the file; a crash, a sanitizer report, an allocation past libFuzzer's
// -rss_limit_mb or a hang is a bug. Built with RELULAB_FUZZ=ON; run by
// scripts/sanitize.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "lab/data/idx_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/relulab_fuzz_idx_" + std::to_string(::getpid()) + ".gz";
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  try {
    relulab::lab::read_idx_gz(path);
  } catch (const std::runtime_error&) {
    // a corrupt file, reported
  }
  return 0;
}
