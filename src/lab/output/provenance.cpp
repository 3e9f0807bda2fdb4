// Provenance: see provenance.h.

#include "lab/output/provenance.h"

#include <torch/version.h>
#include <unistd.h>

#include <ctime>

#include "relulab/ops.h"
#include "relulab/version.h"

#ifndef RELULAB_GIT_COMMIT
#define RELULAB_GIT_COMMIT "unknown"
#endif

namespace relulab {
namespace lab {

const Provenance& provenance() {
  static const Provenance p = [] {
    Provenance out;
    out.relulab_version = kVersion;
    out.git_commit = RELULAB_GIT_COMMIT;
    out.libtorch_version = TORCH_VERSION;
    out.simd_target = ops::cpu_simd_target();
    char host[256] = {0};
    ::gethostname(host, sizeof(host) - 1);
    out.host = host;
    return out;
  }();
  return p;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace lab
}  // namespace relulab
