// The fuzzers' inputs are bytes; the code under test reads files. One file
// per fuzzing process, rewritten for every input.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace relulab {
namespace fuzz {

/// Writes the input to /tmp/relulab_fuzz_<name>_<pid><suffix> and returns the path.
inline const std::string& write_input(const char* name, const char* suffix, const uint8_t* data,
                                      size_t size) {
  static const std::string path =
      std::string("/tmp/relulab_fuzz_") + name + "_" + std::to_string(::getpid()) + suffix;
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  return path;
}

}  // namespace fuzz
}  // namespace relulab
