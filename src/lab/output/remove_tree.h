// Removing a folder and everything in it, without std::filesystem.
#pragma once

#include <string>

namespace relulab {
namespace lab {

/// Removes `path` and, if it is a folder, everything under it; symbolic links
/// are removed, never followed. A missing path is not an error. Throws
/// std::runtime_error naming the entry that could not be removed.
///
/// Why not std::filesystem::remove_all: PyTorch's pip wheels export their own
/// statically linked copy of libstdc++'s std::filesystem from libtorch.so
/// (pytorch/pytorch#133437). On the GPU machine (torch 2.11 from pip, its own
/// system libstdc++) calls bound to that copy and remove_all crashed (SIGSEGV
/// in TrialRecordsTest, scripts/gpu/check, 2026-11-27) despite executables
/// naming libstdc++ first. nftw() is libc's, whichever libstdc++ wins.
void remove_tree(const std::string& path);

}  // namespace lab
}  // namespace relulab
