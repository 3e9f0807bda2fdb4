// Logs meant for people ("[12:04:31] warning: ..."), on standard output.
// CSV is for scripts. Not spdlog: PyTorch 2.x ships its own fmt headers on
// LibTorch's include path, which break Debian's spdlog (built for fmt 9)
// in every file that also includes LibTorch.
#pragma once

#include <ctime>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace relulab {
namespace lab {
namespace log {

template <typename... Parts>
void line(const char* level, const Parts&... parts) {
  std::ostringstream out;
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  out << '[' << std::put_time(&local, "%H:%M:%S") << "] " << level << ": ";
  (out << ... << parts);
  out << '\n';
  std::cout << out.str() << std::flush;  // one write per line: workers share the terminal
}

template <typename... Parts>
void info(const Parts&... parts) {
  line("info", parts...);
}

template <typename... Parts>
void warn(const Parts&... parts) {
  line("warning", parts...);
}

}  // namespace log
}  // namespace lab
}  // namespace relulab
