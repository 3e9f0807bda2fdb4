// A sweep's worker processes: the parent's handle on one (spawn_worker) and
// the loop a worker runs (run_worker, the hidden `relulab _worker` command).
//
// Note [Worker processes]
// Trials run in child processes (fork + exec of this executable as
// `relulab _worker`), never in threads of this one: LibTorch's random
// generator, thread settings and BLAS state are per process, so a trial's
// results cannot depend on what ran beside it (determinism across --jobs),
// and a trial that crashes takes down only its worker. Each worker loads a
// dataset once and keeps it for the trials that share it.
//
// Protocol, one line per message:
//   parent -> worker (stdin):   "<trial index> <trial id>"
//   worker -> parent (stdout):  "epoch <index> <epoch>" after each epoch,
//                               "done <index> <status>" once the record is written.
// Closing the worker's stdin ends it. Workers ignore SIGINT and SIGTERM
// (a terminal's Ctrl-C and Slurm's time limit signal the whole process
// group): the parent decides. Interrupted, it stops them with SIGKILL, and
// their unfinished trials leave no record, so a rerun runs them again; a
// worker whose parent dies is killed too (PR_SET_PDEATHSIG).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "lab/config/sweep.h"
#include "lab/run/runner.h"

namespace relulab {
namespace lab {

/// The parent's side of one worker: its pipes and the trial it runs.
struct WorkerProcess {
  pid_t pid = -1;
  int to_child = -1;
  int from_child = -1;
  std::string buffer;
  int64_t trial = -1;  // the trial it is running, -1 when idle
  int64_t epoch = -1;
  bool timed_out = false;  // killed by the parent after --trial-timeout
};

/// Starts `relulab _worker` on `sweep_copy` (the sweep's text saved at start,
/// Sweep::source, never the live file, which the user may edit meanwhile).
WorkerProcess spawn_worker(const RunOptions& options, const std::string& dir,
                           const std::string& sweep_copy);

/// One protocol line to a worker. Throws when the worker is gone.
void send_line(int fd, const std::string& line);

/// The worker's loop: runs the trials whose indices arrive on stdin and
/// reports on stdout, until stdin closes.
int run_worker(const Sweep& sweep, const RunOptions& options);

}  // namespace lab
}  // namespace relulab
