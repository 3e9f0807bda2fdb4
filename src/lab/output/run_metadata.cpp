// See run_metadata.h.

#include "lab/output/run_metadata.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "lab/output/csv.h"
#include "lab/output/provenance.h"

namespace relulab {
namespace lab {

namespace {

// Note [A results folder made over several runs]
// A sweep that resumes (after a crash, or over several sessions of a small
// machine) is made by several runs, possibly from different commits; the
// folder's CSVs hold them all. meta.json describes the latest run, and its
// `earlier_runs` keeps what the previous meta.json said of each earlier one
// (command, commit, LibTorch, host, start and finish), so that a result
// produced across code versions says so. An unreadable previous meta.json
// is not trusted and contributes nothing.
nlohmann::ordered_json earlier_runs(const std::filesystem::path& path, const RunMetadata& run) {
  auto runs = nlohmann::ordered_json::array();
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return runs;
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto previous = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!previous.is_object()) return runs;
  if (previous.contains("earlier_runs") && previous["earlier_runs"].is_array()) {
    runs = previous["earlier_runs"];
  }
  // The same run writes meta.json at its start and at its end.
  if (previous.value("started", "") == run.started) return runs;
  nlohmann::ordered_json entry;
  for (const char* key :
       {"command", "git_commit", "libtorch_version", "host", "jobs", "started", "finished"}) {
    if (previous.contains(key)) entry[key] = previous[key];
  }
  runs.push_back(entry);
  return runs;
}

}  // namespace

void write_run_metadata(const std::string& dir, const Sweep& sweep, const RunMetadata& run) {
  const auto path = std::filesystem::path(dir) / "meta.json";
  const auto earlier = earlier_runs(path, run);
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
  if (!earlier.empty()) meta["earlier_runs"] = earlier;
  // Invalid UTF-8 (a path is bytes) is replaced rather than thrown on.
  const std::string text =
      meta.dump(2, ' ', /*ensure_ascii=*/false, nlohmann::ordered_json::error_handler_t::replace) +
      "\n";
  write_file_atomically(path.string(), text);
}

}  // namespace lab
}  // namespace relulab
