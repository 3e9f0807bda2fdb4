// Slurm submission: see slurm.h and docs/cluster.md.

#include "lab/run/slurm.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "lab/output/csv.h"
#include "lab/output/provenance.h"
#include "lab/output/trial_records.h"

namespace relulab {
namespace lab {
namespace fs = std::filesystem;
namespace {

// stdout of a shell command, and its exit status.
std::pair<std::string, int> capture(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return {"", -1};
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe.get())) > 0) out.append(buf, n);
  const int status = pclose(pipe.release());
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A value that goes into an "#SBATCH --x=value" line: a newline would start
// a directive of its own, so only the characters Slurm's syntax needs pass.
void check_sbatch_value(const std::string& option, const std::string& value,
                        const std::string& allowed, const std::string& example) {
  if (value.empty() || value.find_first_not_of(allowed) != std::string::npos) {
    throw std::invalid_argument("--" + option + " '" + value + "': use only " + example);
  }
}

}  // namespace

void check_slurm_options(const SlurmOptions& slurm, const std::string& results_dir) {
  const std::string digits = "0123456789";
  check_sbatch_value("time", slurm.time, digits + ":-",
                     "digits, ':' and '-' (e.g. 01:00:00 or 1-12:00:00)");
  if (!slurm.partition.empty()) {
    check_sbatch_value("partition", slurm.partition,
                       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + digits + "_-.,",
                       "letters, digits, '_', '-', '.' and ',' (a partition name or a list)");
  }
  for (const char c : results_dir) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw std::invalid_argument(
          "the results folder's path contains a control character (a newline "
          "would inject an #SBATCH directive): choose another --out");
    }
  }
}

int max_array_size(int fallback) {
  const auto [text, status] = capture("scontrol show config 2>/dev/null");
  if (status != 0) return fallback;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("MaxArraySize", 0) == 0) {
      const auto eq = line.find('=');
      if (eq != std::string::npos) return std::stoi(line.substr(eq + 1));
    }
  }
  return fallback;
}

int submit_to_slurm(const Sweep& sweep, const RunOptions& run, const SlurmOptions& slurm) {
  const std::string dir = fs::absolute(output_dir(sweep, run)).string();
  check_slurm_options(slurm, dir);
  fs::create_directories(fs::path(dir) / "trials");
  write_file_atomically((fs::path(dir) / "sweep.effective.yaml").string(), sweep.effective_yaml());

  std::vector<const Trial*> pending;
  for (const int64_t i : selected_trials(sweep, run)) {
    const auto status = trial_record_status(dir, sweep.trials[i]);
    if (status.empty() || is_error_status(status)) pending.push_back(&sweep.trials[i]);
  }
  if (pending.empty()) {
    std::cout << "every trial of '" << sweep.name << "' already has a result in " << dir
              << ": nothing to submit (relulab merge " << dir << " combines them)\n";
    return 0;
  }
  // Array indices run 0..tasks-1 and must stay below MaxArraySize (at least
  // one task, even with MaxArraySize=1, which used to divide by zero).
  const int64_t max_tasks = std::max(1, max_array_size(1001) - 1);
  int64_t chunk = std::max(1, slurm.array_chunk);
  int64_t tasks = (static_cast<int64_t>(pending.size()) + chunk - 1) / chunk;
  if (tasks > max_tasks) {
    chunk = (static_cast<int64_t>(pending.size()) + max_tasks - 1) / max_tasks;
    tasks = (static_cast<int64_t>(pending.size()) + chunk - 1) / chunk;
  }

  std::string stamp = utc_now();
  for (char& c : stamp) {
    if (c == ':') c = '-';
  }
  const fs::path job_dir = fs::path(dir) / "slurm" / stamp;
  fs::create_directories(job_dir);
  std::string ids;
  for (const Trial* t : pending) ids += t->id + "\n";
  write_file_atomically((job_dir / "pending.txt").string(), ids);

  // Tasks read this copy, not the live file: editing it after submission
  // must not change (or break) the queued tasks.
  const fs::path sweep_copy = job_dir / "sweep.yaml";
  write_file_atomically(sweep_copy.string(), sweep.source);
  std::ostringstream cmd;
  cmd << quote(slurm.relulab_path) << " sweep " << quote(sweep_copy.string()) << " --out "
      << quote(dir) << " --only-ids " << quote((job_dir / "pending.txt").string())
      << " --retry-failed --shard-from-environment --jobs " << slurm.cpus_per_task;
  if (run.trial_timeout > 0) cmd << " --trial-timeout " << run.trial_timeout;
  for (const auto& o : run.overrides) cmd << " --set " << quote(o);

  std::ostringstream script;
  script << "#!/bin/bash\n"
         << "# Generated by relulab slurm for sweep '" << sweep.name << "': " << pending.size()
         << " trials (missing or failed) in " << tasks << " array task(s) of about " << chunk
         << " trial(s).\n"
         << "#SBATCH --job-name=relulab-" << sweep.name << "\n"
         << "#SBATCH --array=0-" << tasks - 1
         << (slurm.max_parallel > 0 ? "%" + std::to_string(slurm.max_parallel) : "") << "\n"
         << "#SBATCH --cpus-per-task=" << slurm.cpus_per_task << "\n"
         << "#SBATCH --time=" << slurm.time << "\n";
  if (!slurm.partition.empty()) script << "#SBATCH --partition=" << slurm.partition << "\n";
  script << "#SBATCH --output=" << (job_dir / "task-%a.out").string() << "\n"
         << "set -euo pipefail\n"
         << "# One intra-op thread per trial; the task's CPUs run trials side by side.\n"
         << "export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1\n"
         << "# The shard comes from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT; a task\n"
         << "# whose trials fail exits non-zero, so Slurm marks it FAILED.\n"
         << "exec " << cmd.str() << "\n";
  write_file_atomically((job_dir / "submit.sbatch").string(), script.str());

  if (slurm.dry_run) {
    std::cout << script.str();
    std::cerr << "(dry run: written to " << (job_dir / "submit.sbatch").string()
              << ", not submitted)\n";
    return 0;
  }
  const auto [out, status] =
      capture("sbatch --parsable " + quote((job_dir / "submit.sbatch").string()));
  if (status != 0) {
    std::cerr << "relulab slurm: sbatch failed (exit " << status << "); the script is "
              << (job_dir / "submit.sbatch").string() << "\nHINT: is this a Slurm login node?\n";
    return 1;
  }
  std::string job = out.substr(0, out.find_first_of(";\n"));
  std::cout << "submitted job " << job << ": " << pending.size() << " trials in " << tasks
            << " array task(s)"
            << (slurm.max_parallel > 0
                    ? ", at most " + std::to_string(slurm.max_parallel) + " at once"
                    : "")
            << "\n  follow: relulab status " << dir << "\n  then:   relulab merge " << dir << "\n";
  write_file_atomically((job_dir / "job_id").string(), job + "\n");
  return 0;
}

}  // namespace lab
}  // namespace relulab
