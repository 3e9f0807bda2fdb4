// The sweep runner and its worker processes.
//
// Note [Worker processes] is in worker.h.

#include "lab/run/runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "lab/output/csv.h"
#include "lab/output/provenance.h"
#include "lab/output/remove_tree.h"
#include "lab/output/results_lock.h"
#include "lab/output/run_metadata.h"
#include "lab/output/trial_records.h"
#include "lab/run/log.h"
#include "lab/run/progress.h"
#include "lab/run/trial_labels.h"
#include "lab/run/worker.h"
#include "lab/run/summary.h"

namespace relulab {
namespace lab {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kMergeEverySeconds = 5.0;

std::atomic<int> g_interrupted{0};
void on_signal(int signal) { g_interrupted = signal; }

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

// The first few errors (failed, timeout) with their messages: what went wrong
// belongs on the terminal too, not only in trials.csv.
void log_errors(const std::vector<CsvRow>& rows) {
  if (rows.empty()) return;
  const auto column = [&](const char* name) {
    return std::find(rows[0].begin(), rows[0].end(), name) - rows[0].begin();
  };
  const auto id = column("trial_id"), status = column("status"), message = column("message");
  int shown = 0;
  for (size_t i = 1; i < rows.size() && shown < 5; ++i) {
    if (!is_error_status(rows[i][status])) continue;
    log::warn("trial ", rows[i][id], " ", rows[i][status], ": ", rows[i][message]);
    ++shown;
  }
}

}  // namespace

std::string output_dir(const Sweep& sweep, const RunOptions& options) {
  return options.out_dir.empty() ? (fs::path("results") / sweep.name).string() : options.out_dir;
}

std::vector<int64_t> selected_trials(const Sweep& sweep, const RunOptions& options) {
  std::vector<int64_t> out;
  if (options.only_ids_file.empty()) {
    for (const auto& t : sweep.trials) out.push_back(t.index);
    return out;
  }
  std::ifstream in(options.only_ids_file);
  if (!in) throw std::runtime_error(options.only_ids_file + ": cannot read the trial id list");
  std::map<std::string, int64_t> by_id;
  for (const auto& t : sweep.trials) by_id[t.id] = t.index;
  std::string id;
  while (in >> id) {
    const auto it = by_id.find(id);
    if (it == by_id.end()) {
      throw std::runtime_error(options.only_ids_file + ": trial " + id +
                               " is not in this sweep (was the sweep file edited since?)");
    }
    out.push_back(it->second);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

int run_sweep(const Sweep& sweep, const RunOptions& options) {
  install_signal_handlers();  // before anything is written: Ctrl-C is always clean
  const std::string dir = output_dir(sweep, options);
  fs::create_directories(fs::path(dir) / "trials");
  const Shard& shard = options.shard;
  // A shard writes its own CSVs and metadata; no two processes write one
  // file (records are one folder per trial, renamed into place).
  const std::string out = shard.active() ? (fs::path(dir) / "shards" / shard.name()).string() : dir;
  // Array tasks share the folder; a whole sweep (and --force) owns it.
  const ResultsLock lock(
      dir, shard.active() ? ResultsLock::Mode::kShared : ResultsLock::Mode::kExclusive,
      "relulab sweep " + sweep.file + (shard.active() ? " --shard " + shard.name() : ""));
  fs::create_directories(out);
  remove_partial_writes(dir);  // only those whose writer is gone
  if (options.force) {
    if (shard.active())
      throw std::runtime_error("--force discards every shard's results: run it without --shard");
    remove_tree((fs::path(dir) / "trials").string());
    fs::create_directories(fs::path(dir) / "trials");
  }
  const std::string started = utc_now();
  write_file_atomically((fs::path(out) / "sweep.effective.yaml").string(), sweep.effective_yaml());
  const std::string sweep_copy = (fs::path(out) / "sweep.source.yaml").string();
  write_file_atomically(sweep_copy, sweep.source);

  std::vector<int64_t> mine = selected_trials(sweep, options);
  if (shard.active()) mine = shard_trials(sweep, mine, shard);
  for (const auto& problem : quarantine_corrupt_records(dir, sweep, &mine)) log::warn(problem);
  std::deque<int64_t> pending;
  for (const int64_t i : mine) {
    const auto status = trial_record_status(dir, sweep.trials[i]);
    if (status.empty() || (options.retry_failed && is_error_status(status))) pending.push_back(i);
  }
  const int64_t total = static_cast<int64_t>(mine.size());
  const int64_t already = total - static_cast<int64_t>(pending.size());
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int jobs = static_cast<int>(std::min<int64_t>(options.jobs > 0 ? options.jobs : cores,
                                                      std::max<size_t>(1, pending.size())));
  write_run_metadata(out, sweep, {options.command_line, jobs, started, ""});
  const std::vector<int64_t>* only =
      (shard.active() || !options.only_ids_file.empty()) ? &mine : nullptr;
  const auto before = merge_trial_records(dir, sweep, out, only);
  if (before.stale > 0 && !shard.active()) {
    log::warn(before.stale, " record(s) in ", dir,
              "/trials belong to no trial of this sweep (the "
              "sweep file changed?): they are left out of the CSVs");
  }
  log::info("sweep '", sweep.name, "'", shard.active() ? " shard " + shard.name() : "", ": ", total,
            " trials, ", already, " already done, ", pending.size(), " to run with ",
            pending.empty() ? 0 : jobs, " job(s) -> ", out);

  const auto keys = varying_keys(sweep);
  ProgressLine progress(STDERR_FILENO);
  std::vector<WorkerProcess> workers;
  int64_t done = 0;
  double busy_seconds = 0;
  std::map<int64_t, Clock::time_point> started_at;
  const auto run_start = Clock::now();
  auto last_merge = run_start;

  auto assign = [&](WorkerProcess& w) {
    if (pending.empty()) {
      if (w.to_child >= 0) close(w.to_child);
      w.to_child = -1;
      return;
    }
    w.trial = pending.front();
    w.epoch = -1;
    pending.pop_front();
    started_at[w.trial] = Clock::now();
    send_line(w.to_child, std::to_string(w.trial) + " " + sweep.trials[w.trial].id);
  };
  auto show_progress = [&] {
    if (!progress.live()) return;
    const double elapsed = std::chrono::duration<double>(Clock::now() - run_start).count();
    const int64_t remaining = static_cast<int64_t>(pending.size()) +
                              std::count_if(workers.begin(), workers.end(),
                                            [](const WorkerProcess& w) { return w.trial >= 0; });
    const double eta = done > 0 ? busy_seconds / done * remaining / std::max(1, jobs) : NAN;
    std::string text = "[" + std::to_string(already + done) + "/" + std::to_string(total) + "] " +
                       format_duration(elapsed) + " ETA " + format_duration(eta);
    for (const auto& w : workers) {
      if (w.trial < 0) continue;
      const auto& t = sweep.trials[w.trial];
      text += " | " + trial_label(t, keys) + " e" + std::to_string(std::max<int64_t>(0, w.epoch)) +
              "/" + std::to_string(t.config.train.epochs);
    }
    progress.show(text);
  };
  auto finish_trial = [&](WorkerProcess& w, const std::string& status) {
    const auto& t = sweep.trials[w.trial];
    const double seconds =
        std::chrono::duration<double>(Clock::now() - started_at[w.trial]).count();
    busy_seconds += seconds;
    ++done;
    // The records are the truth; the merged CSVs are a convenience rebuilt
    // at most every few seconds (each rebuild reads every record) and at the end.
    if (std::chrono::duration<double>(Clock::now() - last_merge).count() > kMergeEverySeconds) {
      merge_trial_records(dir, sweep, out, only);
      last_merge = Clock::now();
    }
    progress.clear();
    std::ostringstream took;
    took << std::fixed << std::setprecision(1) << seconds;
    log::info("[", already + done, "/", total, "] ", t.id, " ", trial_label(t, keys), " ", status,
              " (", took.str(), " s)");
    w.trial = -1;
  };

  for (int i = 0; i < jobs && !pending.empty(); ++i) {
    workers.push_back(spawn_worker(options, dir, sweep_copy));
    assign(workers.back());
  }
  while (!g_interrupted) {
    std::vector<pollfd> fds;
    for (const auto& w : workers) fds.push_back({w.from_child, POLLIN, 0});
    if (fds.empty()) break;
    show_progress();
    if (poll(fds.data(), fds.size(), 250) < 0 && errno != EINTR) break;
    if (options.trial_timeout > 0) {
      // A hung trial must not block the sweep: its worker is killed, the
      // trial recorded as "timeout" (below, at the worker's EOF).
      for (auto& w : workers) {
        if (w.trial < 0 || w.timed_out) continue;
        const double ran =
            std::chrono::duration<double>(Clock::now() - started_at[w.trial]).count();
        if (ran > options.trial_timeout) {
          kill(w.pid, SIGKILL);
          w.timed_out = true;
        }
      }
    }
    for (size_t i = 0; i < workers.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      WorkerProcess& w = workers[i];
      char buf[4096];
      const ssize_t n = read(w.from_child, buf, sizeof(buf));
      if (n > 0) {
        w.buffer.append(buf, static_cast<size_t>(n));
        size_t eol;
        while ((eol = w.buffer.find('\n')) != std::string::npos) {
          std::istringstream msg(w.buffer.substr(0, eol));
          w.buffer.erase(0, eol + 1);
          std::string kind, status;
          int64_t index = -1, epoch = -1;
          msg >> kind >> index;
          if (kind == "epoch" && msg >> epoch) {
            w.epoch = epoch;
          } else if (kind == "done" && msg >> status && index == w.trial) {
            finish_trial(w, status);
            assign(w);
          }
        }
        continue;
      }
      // EOF: the worker exited (all trials handed out) or died.
      int wstatus = 0;
      waitpid(w.pid, &wstatus, 0);
      close(w.from_child);
      if (w.to_child >= 0) close(w.to_child);
      const int64_t lost = w.trial;
      const bool timed_out = w.timed_out;
      w = WorkerProcess{};
      if (lost >= 0 && !g_interrupted) {
        TrialResult crashed;
        crashed.status = timed_out ? "timeout" : "failed";
        std::ostringstream limit;
        limit << options.trial_timeout;
        crashed.message =
            timed_out ? "ran longer than --trial-timeout " + limit.str() + " s: worker stopped"
            : WIFSIGNALED(wstatus)
                ? "worker process killed by signal " + std::to_string(WTERMSIG(wstatus))
                : "worker process exited with status " + std::to_string(WEXITSTATUS(wstatus));
        write_trial_record(dir, sweep, sweep.trials[lost], crashed);
        w.trial = lost;
        finish_trial(w, crashed.status);
        if (!pending.empty()) {
          w = spawn_worker(options, dir, sweep_copy);
          assign(w);
        }
      }
    }
    workers.erase(std::remove_if(workers.begin(), workers.end(),
                                 [](const WorkerProcess& w) { return w.pid < 0; }),
                  workers.end());
  }
  progress.clear();

  if (g_interrupted) {
    for (auto& w : workers) {
      kill(w.pid, SIGKILL);  // workers ignore SIGTERM; see Note [Worker processes]
      waitpid(w.pid, nullptr, 0);
    }
    const auto report = merge_trial_records(dir, sweep, out, only);
    log::warn("interrupted: ", report.present, " of ", total, " trials have results in ", dir,
              "; run the same command again to resume (finished trials are kept and skipped)");
    write_run_metadata(out, sweep, {options.command_line, jobs, started, ""});
    return 130;
  }

  const auto report = merge_trial_records(dir, sweep, out, only);
  write_run_metadata(out, sweep, {options.command_line, jobs, started, utc_now()});
  const auto rows = read_csv((fs::path(out) / "trials.csv").string());
  std::cout << "\nSummary of " << out << "/trials.csv (best configuration per activation by "
            << "validation accuracy; test accuracy at the validation-chosen epoch, mean and 95% CI "
            << "over the ok seeds):\n"
            << format_summary(summarise(rows));
  if (report.failed > 0) {
    log::warn(report.failed, " trial(s) did not end ok (status and message in trials.csv)");
  }
  log_errors(rows);
  return report.errors > 0 ? 1 : 0;
}

}  // namespace lab
}  // namespace relulab
