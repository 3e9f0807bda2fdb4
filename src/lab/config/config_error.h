// A mistake in a sweep file or a --set override, with where it is.
#pragma once

#include <stdexcept>
#include <string>

namespace relulab {
namespace lab {

/// Where a value came from: a file position, or a command-line override.
struct Origin {
  std::string file;  // the sweep file, or "--set"
  int line = -1;     // 1-based; -1 when unknown
  int column = -1;

  std::string str() const {
    std::string s = file;
    if (line >= 0) s += ":" + std::to_string(line) + ":" + std::to_string(column);
    return s;
  }
};

/// "FILE:LINE:COL: key 'train.lr': must be > 0, got -1"
class ConfigError : public std::runtime_error {
 public:
  ConfigError(const Origin& origin, const std::string& key, const std::string& message)
      : std::runtime_error(origin.str() + ": " + (key.empty() ? "" : "key '" + key + "': ") +
                           message),
        origin_(origin),
        key_(key) {}
  const Origin& origin() const { return origin_; }
  const std::string& key() const { return key_; }

 private:
  Origin origin_;
  std::string key_;
};

}  // namespace lab
}  // namespace relulab
