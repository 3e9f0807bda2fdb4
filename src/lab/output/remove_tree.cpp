#include "lab/output/remove_tree.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace relulab {
namespace lab {
namespace {

// nftw's callback is called from C: it records the failure and stops the
// walk instead of throwing through libc's frames.
thread_local std::string failed_entry;

int remove_entry(const char* path, const struct stat*, int type, struct FTW*) {
  const int rc = type == FTW_DP ? ::rmdir(path) : ::unlink(path);
  if (rc != 0 && errno != ENOENT) {
    failed_entry = path;
    return -1;
  }
  return 0;
}

[[noreturn]] void fail(const std::string& path, int error) {
  throw std::runtime_error(path + ": cannot remove: " + std::strerror(error));
}

}  // namespace

void remove_tree(const std::string& path) {
  struct stat info;
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return;
    fail(path, errno);
  }
  if (!S_ISDIR(info.st_mode)) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail(path, errno);
    return;
  }
  // Depth first (children before their folder), never following links.
  failed_entry.clear();
  if (::nftw(path.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT) {
    const int error = errno;
    fail(failed_entry.empty() ? path : failed_entry, error);
  }
}

}  // namespace lab
}  // namespace relulab
