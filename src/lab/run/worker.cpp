// A sweep's worker processes: see worker.h.

#include "lab/run/worker.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "lab/data/dataset.h"
#include "lab/output/trial_records.h"
#include "lab/train/trainer.h"

namespace relulab {
namespace lab {
namespace {

// OpenBLAS sizes its thread pool from the core count at load time; one
// thread per trial is the point of --jobs (see environment.md).
void set_blas_threads(int threads) {
  using SetThreads = void (*)(int);
  if (auto f = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    f(threads);
}

}  // namespace

WorkerProcess spawn_worker(const RunOptions& options, const std::string& dir,
                           const std::string& sweep_copy) {
  int down[2], up[2];
  if (pipe2(down, O_CLOEXEC) != 0 || pipe2(up, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<std::string> args = {"relulab", "_worker", sweep_copy, "--out", dir};
  for (const auto& o : options.overrides) {
    args.push_back("--set");
    args.push_back(o);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Tied to the parent: no orphaned worker keeps writing after it is gone.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);  // it died before prctl
    dup2(down[0], STDIN_FILENO);
    dup2(up[1], STDOUT_FILENO);
    signal(SIGINT, SIG_IGN);  // the parent decides; see Note [Worker processes]
    signal(SIGTERM, SIG_IGN);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  close(down[0]);
  close(up[1]);
  WorkerProcess w;
  w.pid = pid;
  w.to_child = down[1];
  w.from_child = up[0];
  return w;
}

void send_line(int fd, const std::string& line) {
  const std::string text = line + "\n";
  if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    throw std::runtime_error("lost contact with a worker");
  }
}

int run_worker(const Sweep& sweep, const RunOptions& options) {
  const std::string dir = output_dir(sweep, options);
  std::map<std::string, std::shared_ptr<Dataset>> datasets;  // by data config
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    int64_t index = -1;
    std::string id;
    in >> index >> id;
    if (index < 0 || index >= static_cast<int64_t>(sweep.trials.size()) ||
        sweep.trials[index].id != id) {
      std::cerr << "relulab _worker: trial " << index << " " << id
                << " is not in this sweep (did the sweep file change during the run?)\n";
      return 2;
    }
    const Trial& trial = sweep.trials[index];
    set_blas_threads(static_cast<int>(trial.config.train.threads));
    std::string data_key;
    for (const auto& [k, v] : trial.values) {
      if (k.rfind("data.", 0) == 0) data_key += k + "=" + v + ";";
    }
    TrialResult result;
    mark_running(dir, trial);
    try {
      auto& data = datasets[data_key];
      if (!data) data = std::make_shared<Dataset>(load_dataset(trial.config.data));
      result = run_trial(trial.config, *data, [&](int64_t epoch) {
        mark_running(dir, trial);  // a heartbeat for `relulab status`
        std::cout << "epoch " << index << " " << epoch << std::endl;
      });
    } catch (const std::exception& e) {
      result.status = "failed";
      result.message = e.what();
    }
    write_trial_record(dir, sweep, trial, result);
    clear_running(dir, trial);
    std::cout << "done " << index << " " << result.status << std::endl;
  }
  return 0;
}

}  // namespace lab
}  // namespace relulab
