// The live progress line: see progress.h.

#include "lab/run/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace relulab {
namespace lab {

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || std::isinf(seconds)) return "?";
  const auto s = static_cast<int64_t>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof(buf), "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  } else {
    std::snprintf(buf, sizeof(buf), "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  }
  return buf;
}

std::size_t terminal_columns(int fd) {
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    const long n = std::strtol(columns, nullptr, 10);
    if (n > 0 && n < 10000) return static_cast<std::size_t>(n);
  }
  return 80;
}

std::string fit_to_width(const std::string& text, std::size_t width) {
  if (text.size() <= width) return text;
  if (width <= 3) return text.substr(0, width);
  return text.substr(0, width - 3) + "...";
}

ProgressLine::ProgressLine(int fd) : fd_(fd), live_(isatty(fd) != 0) {}

void ProgressLine::show(const std::string& text) {
  if (!live_) return;
  const std::size_t width = terminal_columns(fd_);
  const std::string line = "\r\033[K" + fit_to_width(text, width > 1 ? width - 1 : width);
  // A short write only garbles one redraw; the next one repaints the line.
  if (write(fd_, line.data(), line.size()) < 0) return;
}

void ProgressLine::clear() {
  if (!live_) return;
  static const char kErase[] = "\r\033[K";
  if (write(fd_, kErase, sizeof kErase - 1) < 0) return;
}

}  // namespace lab
}  // namespace relulab
