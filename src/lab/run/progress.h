// The sweep's live progress line: one line on a terminal, redrawn in place
// and cut to the terminal's width (a wrapped line cannot be redrawn, so each
// update would leave a new line behind); nothing when stderr is not a
// terminal, where the per-trial log lines are the progress.
#pragma once

#include <cstddef>
#include <string>

namespace relulab {
namespace lab {

/// "1m05s", "2h03m"; "?" for a negative, infinite or NaN count.
std::string format_duration(double seconds);

/// The terminal's width in columns for `fd` (TIOCGWINSZ), else $COLUMNS,
/// else 80.
std::size_t terminal_columns(int fd);

/// `text` cut to at most `width` characters, ending in "..." when cut.
std::string fit_to_width(const std::string& text, std::size_t width);

class ProgressLine {
 public:
  /// Draws on `fd` when it is a terminal; otherwise every call does nothing.
  explicit ProgressLine(int fd);
  bool live() const { return live_; }
  /// Replaces the line with `text`, cut to one column less than the width
  /// (a full-width line makes some terminals wrap).
  void show(const std::string& text);
  /// Erases the line, so an ordinary log line can be printed.
  void clear();

 private:
  int fd_;
  bool live_;
};

}  // namespace lab
}  // namespace relulab
