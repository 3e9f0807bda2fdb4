// Where results came from: versions, commit, machine.
#pragma once

#include <string>

namespace relulab {
namespace lab {

struct Provenance {
  std::string relulab_version;
  std::string git_commit;  // as built; "+dirty" if the tree had changes
  std::string libtorch_version;
  std::string simd_target;  // the CPU kernels' instruction set
  std::string host;
};

/// This process's provenance (computed once).
const Provenance& provenance();

/// Current UTC time, ISO 8601.
std::string utc_now();

}  // namespace lab
}  // namespace relulab
