// Trial records: see trial_records.h.

#include "lab/output/trial_records.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <set>

#include "lab/config/schema.h"
#include "lab/output/columns.h"
#include "lab/output/remove_tree.h"
#include "lab/output/csv.h"
#include "lab/output/provenance.h"

namespace relulab {
namespace lab {
namespace fs = std::filesystem;
namespace {

// A record's files, in order; the merged CSV of each is kMerged[f].
constexpr int kFileCount = 4;
const char* kFiles[kFileCount] = {"trial.csv", "epochs.csv", "layers.csv", "steps.csv"};
const char* kMerged[kFileCount] = {"trials.csv", "epochs.csv", "layers.csv", "steps.csv"};

std::vector<std::vector<std::string>> all_headers() {
  return {trial_columns(), epoch_columns(), layer_columns(), column_names(step_table())};
}

fs::path record_dir(const std::string& dir, const Trial& trial) {
  return fs::path(dir) / "trials" / trial.id;
}

}  // namespace

std::vector<std::string> trial_columns() { return column_names(trial_table()); }
std::vector<std::string> epoch_columns() { return column_names(epoch_table()); }
std::vector<std::string> layer_columns() { return column_names(layer_table()); }

void write_trial_record(const std::string& dir, const Sweep& sweep, const Trial& trial,
                        const TrialResult& r) {
  const std::string trial_csv =
      csv_line(trial_columns()) +
      csv_line(row_values(trial_table(), TrialRow{sweep, trial, r, provenance()}));
  std::string epochs_csv = csv_line(epoch_columns());
  for (const auto& e : r.epochs)
    epochs_csv += csv_line(row_values(epoch_table(), EpochRow{trial, e}));
  std::string layers_csv = csv_line(layer_columns());
  for (const auto& l : r.layers)
    layers_csv += csv_line(row_values(layer_table(), LayerRow{trial, l}));
  std::string steps_csv = csv_line(column_names(step_table()));
  for (const auto& s : r.steps) steps_csv += csv_line(row_values(step_table(), StepRow{trial, s}));

  const fs::path final_dir = record_dir(dir, trial);
  const fs::path tmp_dir = fs::path(dir) / "trials" / (".tmp-" + trial.id + "-" + unique_suffix());
  remove_tree(tmp_dir.string());
  fs::create_directories(tmp_dir);
  write_file_atomically((tmp_dir / "trial.csv").string(), trial_csv);
  write_file_atomically((tmp_dir / "epochs.csv").string(), epochs_csv);
  write_file_atomically((tmp_dir / "layers.csv").string(), layers_csv);
  write_file_atomically((tmp_dir / "steps.csv").string(), steps_csv);

  // Note [Records are never downgraded]
  // A failure (is_error_status: an error, a killed worker, a timeout) is recorded only where no
  // record exists: the worker may have written its result just before dying,
  // or a requeued copy of the task may have finished the trial. The rename
  // that refuses to replace (RENAME_NOREPLACE) makes that check atomic; on a
  // file system without it (EINVAL: some NFS servers) the check is a test
  // of existence followed by the rename. A result (ok, diverged) replaces
  // whatever is there.
  const std::string trials_dir = (fs::path(dir) / "trials").string();
  if (is_error_status(r.status)) {
    if (::renameat2(AT_FDCWD, tmp_dir.c_str(), AT_FDCWD, final_dir.c_str(), RENAME_NOREPLACE) ==
        0) {
      fsync_directory(trials_dir);
      return;
    }
    const int error = errno;
    if (error == EINVAL && !fs::exists(final_dir)) {
      fs::rename(tmp_dir, final_dir);
      fsync_directory(trials_dir);
      return;
    }
    remove_tree(tmp_dir.string());
    if (error == EEXIST || error == ENOTEMPTY || error == EINVAL)
      return;  // a record is there: keep it
    throw std::runtime_error(final_dir.string() +
                             ": cannot write the record: " + std::strerror(error));
  }
  // Move any old record aside first: the rename needs a free name. A failure
  // written into the gap (above) is moved aside on the next round.
  for (int attempt = 0;; ++attempt) {
    fs::path old_dir;
    if (fs::exists(final_dir)) {
      old_dir = fs::path(dir) / "trials" / (".old-" + trial.id + "-" + unique_suffix());
      fs::rename(final_dir, old_dir);
    }
    std::error_code ec;
    fs::rename(tmp_dir, final_dir, ec);
    if (!old_dir.empty()) remove_tree(old_dir.string());
    if (!ec) {
      fsync_directory(trials_dir);
      return;
    }
    if (attempt == 3)
      throw fs::filesystem_error("cannot replace the record", tmp_dir, final_dir, ec);
  }
}

bool has_trial_record(const std::string& dir, const Trial& trial) {
  const auto d = record_dir(dir, trial);
  for (const char* f : kFiles) {
    if (!fs::exists(d / f)) return false;
  }
  return true;
}

std::string trial_record_status(const std::string& dir, const Trial& trial) {
  if (!has_trial_record(dir, trial)) return "";
  const auto rows = read_csv((record_dir(dir, trial) / "trial.csv").string());
  const auto cols = trial_columns();
  const auto col = std::find(cols.begin(), cols.end(), "status") - cols.begin();
  return rows.size() == 2 && rows[0] == cols ? rows[1][col] : "";
}

std::vector<std::string> quarantine_corrupt_records(const std::string& dir, const Sweep& sweep,
                                                    const std::vector<int64_t>* selected) {
  const auto headers = all_headers();
  std::vector<std::string> moved;
  const auto check = [&](const Trial& trial) {
    if (!has_trial_record(dir, trial)) return;
    try {
      for (int f = 0; f < kFileCount; ++f) {
        const auto path = (record_dir(dir, trial) / kFiles[f]).string();
        const auto rows = read_csv(path);
        if (rows.empty() || rows[0] != headers[f]) {
          throw std::runtime_error(path + ": its columns are not this relulab's");
        }
        if (f == 0 && rows.size() != 2) throw std::runtime_error(path + ": expected one trial row");
      }
    } catch (const std::runtime_error& e) {
      const fs::path aside =
          fs::path(dir) / "trials" / (".corrupt-" + trial.id + "-" + unique_suffix());
      fs::rename(record_dir(dir, trial), aside);
      moved.push_back(std::string(e.what()) + "; moved aside to " + aside.string() +
                      ", the trial runs again");
    }
  };
  if (selected) {
    for (const int64_t i : *selected) check(sweep.trials[i]);
  } else {
    for (const auto& trial : sweep.trials) check(trial);
  }
  return moved;
}

namespace {
fs::path running_marker(const std::string& dir, const Trial& trial) {
  return fs::path(dir) / "trials" / (".running-" + trial.id);
}
}  // namespace

void mark_running(const std::string& dir, const Trial& trial) {
  write_file_atomically(running_marker(dir, trial).string(), unique_suffix() + "\n");
}

void clear_running(const std::string& dir, const Trial& trial) {
  std::error_code ignored;
  fs::remove(running_marker(dir, trial), ignored);
}

std::pair<int64_t, int64_t> count_running(const std::string& dir, double max_age_seconds) {
  int64_t running = 0, stale = 0;
  const fs::path trials = fs::path(dir) / "trials";
  if (!fs::exists(trials)) return {0, 0};
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(trials)) {
    const auto name = entry.path().filename().string();
    if (name.rfind(".running-", 0) != 0 || name.find(".tmp.") != std::string::npos) continue;
    std::error_code ec;
    const auto age =
        std::chrono::duration<double>(now - fs::last_write_time(entry.path(), ec)).count();
    (ec || age > max_age_seconds ? stale : running)++;
  }
  return {running, stale};
}

MergeReport merge_trial_records(const std::string& dir, const Sweep& sweep, const std::string& out,
                                const std::vector<int64_t>* only) {
  MergeReport report;
  std::set<std::string> ids;
  const auto headers = all_headers();
  std::vector<std::string> merged;
  for (const auto& h : headers) merged.push_back(csv_line(h));
  std::vector<const Trial*> selected;
  for (const auto& trial : sweep.trials) ids.insert(trial.id);
  if (only) {
    for (const int64_t i : *only) selected.push_back(&sweep.trials[i]);
  } else {
    for (const auto& trial : sweep.trials) selected.push_back(&trial);
  }
  for (const Trial* t : selected) {
    const Trial& trial = *t;
    if (!has_trial_record(dir, trial)) {
      ++report.missing;
      continue;
    }
    ++report.present;
    for (int f = 0; f < kFileCount; ++f) {
      const auto path = (record_dir(dir, trial) / kFiles[f]).string();
      const auto rows = read_csv(path);
      if (rows.empty() || rows[0] != headers[f]) {
        throw std::runtime_error(path + ": columns differ from this relulab's; rerun with --force");
      }
      for (size_t i = 1; i < rows.size(); ++i) merged[f] += csv_line(rows[i]);
      if (f == 0 && rows.size() == 2) {
        const auto& status =
            rows[1][std::find(headers[0].begin(), headers[0].end(), "status") - headers[0].begin()];
        if (status != "ok") ++report.failed;
        if (is_error_status(status)) ++report.errors;
      }
    }
  }
  if (fs::exists(fs::path(dir) / "trials")) {
    for (const auto& entry : fs::directory_iterator(fs::path(dir) / "trials")) {
      const auto name = entry.path().filename().string();
      if (name[0] != '.' && !ids.count(name)) ++report.stale;
    }
  }
  const fs::path target = out.empty() ? fs::path(dir) : fs::path(out);
  fs::create_directories(target);
  for (int f = 0; f < kFileCount; ++f) {
    write_file_atomically((target / kMerged[f]).string(), merged[f]);
  }
  return report;
}

namespace {

// Temporary names end in unique_suffix(): "<host>-<pid>". Their writer is
// gone when it ran on this host and that process no longer exists; on
// another host we cannot tell, so its temporaries are left alone.
bool writer_is_gone(const std::string& suffix) {
  const auto dash = suffix.rfind('-');
  if (dash == std::string::npos || dash + 1 >= suffix.size()) return false;
  const std::string host = suffix.substr(0, dash);
  const std::string pid_text = suffix.substr(dash + 1);
  if (pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9)
    return false;
  static const std::string this_host = [] {
    char name[256] = {0};
    ::gethostname(name, sizeof(name) - 1);
    return std::string(name);
  }();
  if (host != this_host) return false;
  const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
  return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
}

}  // namespace

void remove_partial_writes(const std::string& dir) {
  const fs::path trials = fs::path(dir) / "trials";
  if (fs::exists(trials)) {
    for (const auto& entry : fs::directory_iterator(trials)) {
      const auto name = entry.path().filename().string();
      // ".tmp-<12-hex id>-<host>-<pid>", ".old-<id>-<host>-<pid>"
      const bool temporary = name.rfind(".tmp-", 0) == 0 || name.rfind(".old-", 0) == 0;
      if (temporary && name.size() > 18 && writer_is_gone(name.substr(18)))
        remove_tree(entry.path().string());
    }
  }
  if (fs::exists(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      // "<file>.tmp.<host>-<pid>"
      const auto name = entry.path().filename().string();
      const auto at = name.find(".tmp.");
      if (at != std::string::npos && writer_is_gone(name.substr(at + 5))) fs::remove(entry.path());
    }
  }
}

}  // namespace lab
}  // namespace relulab
