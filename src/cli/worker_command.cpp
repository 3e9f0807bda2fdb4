// `relulab _worker SNAPSHOT --out DIR`: the hidden command a sweep's worker
// processes run (Note [Worker processes] in lab/run/runner.cpp).

#include "cli/commands.h"
#include "cli/sweep_options.h"
#include "lab/run/worker.h"

namespace relulab {
namespace cli {

int worker_command(int argc, char** argv) {
  cxxopts::Options options("relulab _worker", "Run trials handed over stdin (internal)");
  add_sweep_options(options);
  const auto parsed = options.parse(argc, argv);
  const auto run = run_options(parsed, argc, argv);
  const auto sweep = load_or_report(run, "_worker");  // parsed once per worker
  if (!sweep) return 2;
  return lab::run_worker(*sweep, run);
}

}  // namespace cli
}  // namespace relulab
