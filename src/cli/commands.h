// The `relulab` subcommands, one file each; main.cpp dispatches on argv[1].
// Each takes the arguments after `relulab` (argv[0] is the command's name)
// and returns the process's exit status: 0 done, 1 failed, 2 bad input.
#pragma once

namespace relulab {
namespace cli {

int sweep_command(int argc, char** argv);
int validate_command(int argc, char** argv);
int worker_command(int argc, char** argv);
int slurm_command(int argc, char** argv);
int bench_command(int argc, char** argv);
int born_dead_command(int argc, char** argv);

}  // namespace cli
}  // namespace relulab
