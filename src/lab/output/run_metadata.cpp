// See run_metadata.h.

#include "lab/output/run_metadata.h"

#include <nlohmann/json.hpp>

#include <filesystem>

#include "lab/output/csv.h"
#include "lab/output/provenance.h"

namespace relulab {
namespace lab {

void write_run_metadata(const std::string& dir, const Sweep& sweep, const RunMetadata& run) {
  const auto& p = provenance();
  nlohmann::ordered_json meta;  // keys in the order a person reads them
  meta["sweep"] = sweep.name;
  meta["sweep_file"] = sweep.file;
  meta["command"] = run.command_line;
  meta["trials"] = sweep.trials.size();
  meta["jobs"] = run.jobs;
  meta["host"] = p.host;
  meta["relulab_version"] = p.relulab_version;
  meta["git_commit"] = p.git_commit;
  meta["libtorch_version"] = p.libtorch_version;
  meta["simd_target"] = p.simd_target;
  meta["started"] = run.started;
  meta["finished"] =
      run.finished.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(run.finished);
  // Invalid UTF-8 (a path is bytes) is replaced rather than thrown on.
  const std::string text =
      meta.dump(2, ' ', /*ensure_ascii=*/false, nlohmann::ordered_json::error_handler_t::replace) +
      "\n";
  write_file_atomically((std::filesystem::path(dir) / "meta.json").string(), text);
}

}  // namespace lab
}  // namespace relulab
