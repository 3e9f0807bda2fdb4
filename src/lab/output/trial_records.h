// Crash-safe results: each finished trial is one folder of four small CSVs,
// written under a temporary name and renamed into place; the sweep's
// trials.csv, epochs.csv, layers.csv and steps.csv are rebuilt from those folders (and
// replaced atomically) after every trial. Whenever the process dies, every
// file is either complete or absent, and a rerun finds exactly the trials
// that finished.
//
//   DIR/trials/<trial id>/{trial,epochs,layers,steps}.csv
//   DIR/{trials,epochs,layers,steps}.csv      all current trials, in sweep order
#pragma once

#include <string>
#include <vector>

#include "lab/config/sweep.h"
#include "lab/train/trial_result.h"

namespace relulab {
namespace lab {

/// Column names; docs/statistics.md defines each.
std::vector<std::string> trial_columns();
std::vector<std::string> epoch_columns();
std::vector<std::string> layer_columns();

/// Writes `trial`'s folder under `dir` atomically (replacing an old one).
void write_trial_record(const std::string& dir, const Sweep& sweep, const Trial& trial,
                        const TrialResult& result);

/// True if `trial`'s folder is there (the trial finished, whatever its status).
bool has_trial_record(const std::string& dir, const Trial& trial);

/// The recorded status (ok, diverged, failed), or "" without a record.
std::string trial_record_status(const std::string& dir, const Trial& trial);

/// Running markers (DIR/trials/.running-<id>), for `relulab status`: set
/// when a trial starts, touched after each epoch, removed when it is written.
void mark_running(const std::string& dir, const Trial& trial);
void clear_running(const std::string& dir, const Trial& trial);
/// Markers touched within `max_age_seconds` (running) and older ones (stale).
std::pair<int64_t, int64_t> count_running(const std::string& dir, double max_age_seconds);

struct MergeReport {
  int64_t present = 0;  // trials of the sweep with a record
  int64_t missing = 0;  // trials of the sweep without one
  int64_t failed = 0;   // present with status failed or diverged
  int64_t errors = 0;   // present with status failed (an error, not a result)
  int64_t stale = 0;    // records whose id is not in this sweep (ignored)
};

/// Rebuilds OUT/{trials,epochs,layers}.csv (OUT defaults to DIR) from the
/// records in DIR of `sweep`'s trials, or of `only` (trial indices) when
/// given; records of trials not in the sweep (an edited sweep file) are
/// left out and counted as stale.
MergeReport merge_trial_records(const std::string& dir, const Sweep& sweep,
                                const std::string& out = "",
                                const std::vector<int64_t>* only = nullptr);

/// Reads every existing record of `selected` (indices into sweep.trials;
/// all when null) as a merge would, and moves each unreadable one (torn,
/// edited, from another relulab version) aside to trials/.corrupt-<id>-<host>-<pid>,
/// so that its trial counts as missing and runs again; everything else is
/// untouched. Returns one line per record moved: its file and what is wrong.
std::vector<std::string> quarantine_corrupt_records(const std::string& dir, const Sweep& sweep,
                                                    const std::vector<int64_t>* selected = nullptr);

/// Removes leftovers of interrupted writes (temporary folders and files)
/// whose writer is gone: written on this host by a process that no longer
/// exists. Another live process's write in flight is never touched.
void remove_partial_writes(const std::string& dir);

}  // namespace lab
}  // namespace relulab
