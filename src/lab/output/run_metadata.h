// meta.json: what ran, where, with which code and LibTorch, and when.
#pragma once

#include <string>

#include "lab/config/sweep.h"

namespace relulab {
namespace lab {

struct RunMetadata {
  std::string command_line;  // as typed
  int jobs = 0;
  std::string started;   // UTC, ISO 8601
  std::string finished;  // "" while running or after an interruption
};

/// Writes DIR/meta.json atomically with the sweep, the run and the
/// provenance (host, relulab version, git commit, LibTorch, SIMD target).
/// Real JSON (nlohmann/json): any byte of a path or a command line is escaped.
void write_run_metadata(const std::string& dir, const Sweep& sweep, const RunMetadata& run);

}  // namespace lab
}  // namespace relulab
