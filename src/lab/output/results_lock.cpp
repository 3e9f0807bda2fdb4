// See results_lock.h.

#include "lab/output/results_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "lab/output/csv.h"  // unique_suffix

namespace relulab {
namespace lab {
namespace {

std::string read_all(int fd) {
  std::string text;
  char buf[512];
  ssize_t n = 0;
  off_t offset = 0;
  while ((n = ::pread(fd, buf, sizeof(buf), offset)) > 0) {
    text.append(buf, static_cast<size_t>(n));
    offset += n;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

ResultsLock::ResultsLock(const std::string& dir, Mode mode, const std::string& what) {
  std::filesystem::create_directories(dir);
  const std::string path = (std::filesystem::path(dir) / ".relulab.lock").string();
  // O_CLOEXEC: worker processes must not inherit (and so keep) the lock.
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  const int op = (mode == Mode::kExclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
  while (::flock(fd_, op) != 0) {
    if (errno == EINTR) continue;
    const int error = errno;
    const std::string holder = read_all(fd_);
    ::close(fd_);
    fd_ = -1;
    if (error != EWOULDBLOCK)
      throw std::runtime_error(path + ": cannot lock: " + std::strerror(error));
    throw ResultsLocked(dir + " is in use by " +
                        (holder.empty() ? "another relulab process" : holder) +
                        "; HINT: wait for it to finish, or give this run another --out folder");
  }
  // Informational only: the latest holder, for the message above.
  const std::string me = what + " (" + unique_suffix() + ")\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t n = ::pwrite(fd_, me.data(), me.size(), 0);
  }
}

ResultsLock::~ResultsLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace lab
}  // namespace relulab
