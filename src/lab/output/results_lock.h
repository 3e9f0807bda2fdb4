// One writer at a time per results folder: an flock(2) on DIR/.relulab.lock.
//
// An unsharded sweep (which cleans up and merges the whole folder) and
// --force hold it exclusively; the array tasks of a sharded sweep and
// `relulab merge` share it (they write disjoint records, or only the merged
// CSVs, each by atomic rename). `relulab status` only reads and takes none.
// flock works across hosts on NFSv4 and Lustre (mounted with flock); see
// docs/cluster.md for file systems where it does not.
#pragma once

#include <stdexcept>
#include <string>

namespace relulab {
namespace lab {

/// The folder is locked by someone else; what() names the holder.
class ResultsLocked : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ResultsLock {
 public:
  enum class Mode { kShared, kExclusive };
  /// Takes the lock without waiting, or throws ResultsLocked. `what` (e.g.
  /// "relulab sweep quick.yaml") is recorded for the message a second
  /// process gets. Creates DIR if needed.
  ResultsLock(const std::string& dir, Mode mode, const std::string& what);
  ~ResultsLock();
  ResultsLock(const ResultsLock&) = delete;
  ResultsLock& operator=(const ResultsLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace lab
}  // namespace relulab
