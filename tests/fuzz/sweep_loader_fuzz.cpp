// libFuzzer target: any bytes as a sweep file. load_sweep must either return
// a sweep or throw ConfigError (file, line, key, message); anything else --
// another exception, a crash, a sanitizer report, a hang -- is a bug.
// Built with RELULAB_FUZZ=ON (clang); run by scripts/sanitize.

#include <cstdint>
#include <string>

#include "fuzz_input_file.h"
#include "lab/config/config_error.h"
#include "lab/config/sweep.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // max_trials is the explicit "I mean it" for huge sweeps: an input that
  // raises it may legitimately take minutes, which is not a bug.
  if (text.find("max_trials") != std::string::npos) return 0;
  const std::string& path = relulab::fuzz::write_input("sweep", ".yaml", data, size);
  try {
    relulab::lab::load_sweep(path);
  } catch (const relulab::lab::ConfigError&) {
    // the expected answer to a mistake
  }
  return 0;
}
