// The relulab command line: `relulab <command> [options]`, dispatched to one
// file per command (commands.h); the small read-only commands are here.

#include <cxxopts.hpp>

#include <iostream>
#include <string>

#include "cli/commands.h"
#include "lab/config/schema.h"
#include "lab/output/columns.h"
#include "lab/output/results_lock.h"
#include "lab/run/runner.h"
#include "relulab/version.h"

namespace {

constexpr const char* kUsage =
    "usage: relulab <command> [options]\n"
    "commands:\n"
    "  sweep     run a sweep file: relulab sweep experiments/quick.yaml [--jobs N] [--set k=v]\n"
    "  validate  check a sweep file and list its trials, running nothing\n"
    "  bench     time every operator against LibTorch and copy_ (results/bench/kernels.csv)\n"
    "  born-dead share of freshly initialised ReLU networks that are constant (Lu et al.)\n"
    "  keys      print every sweep-file key with its default (Markdown)\n"
    "  columns   print every result-CSV column with its meaning (Markdown)\n"
    "  slurm     submit a sweep as a Slurm job array (docs/cluster.md)\n"
    "  status    done / running / failed / missing trials of a results folder\n"
    "  merge     combine a sharded results folder into trials/epochs/layers.csv\n"
    "  version   print the version\n"
    "run `relulab <command> --help` for a command's options\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = argv[1];
  try {
    if (command == "sweep") return relulab::cli::sweep_command(argc - 1, argv + 1);
    if (command == "validate") return relulab::cli::validate_command(argc - 1, argv + 1);
    if (command == "_worker") return relulab::cli::worker_command(argc - 1, argv + 1);
    if (command == "slurm") return relulab::cli::slurm_command(argc - 1, argv + 1);
    if (command == "bench") return relulab::cli::bench_command(argc - 1, argv + 1);
    if (command == "born-dead") return relulab::cli::born_dead_command(argc - 1, argv + 1);
    if (command == "merge" || command == "status") {
      if (argc != 3 || std::string(argv[2]).rfind("-", 0) == 0) {
        std::cerr << "usage: relulab " << command << " RESULTS_DIR\n";
        return 2;
      }
      return command == "merge" ? relulab::lab::merge_command(argv[2])
                                : relulab::lab::status_command(argv[2]);
    }
    if (command == "keys") {
      std::cout << relulab::lab::schema_markdown();
      return 0;
    }
    if (command == "columns") {
      std::cout << relulab::lab::columns_markdown();
      return 0;
    }
    if (command == "version" || command == "--version") {
      std::cout << "relulab " << relulab::kVersion << "\n";
      return 0;
    }
    if (command == "help" || command == "--help" || command == "-h") {
      std::cout << kUsage;
      return 0;
    }
  } catch (const relulab::lab::ResultsLocked& e) {
    std::cerr << "relulab " << command << ": " << e.what() << "\n";
    return 2;
  } catch (const cxxopts::exceptions::exception& e) {
    std::cerr << "relulab " << command << ": " << e.what() << " (see relulab " << command
              << " --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "relulab " << command << ": " << e.what() << "\n";
    return 1;
  }
  std::cerr << "relulab: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
