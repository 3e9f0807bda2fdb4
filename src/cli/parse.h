// Command-line parsing shared by the commands.
#pragma once

#include <cxxopts.hpp>

#include <iostream>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace relulab {
namespace cli {

/// Parses argv; for --help prints the command's help and returns nullopt.
inline std::optional<cxxopts::ParseResult> parse_or_show_help(cxxopts::Options& options, int argc,
                                                              char** argv) {
  auto parsed = options.parse(argc, argv);
  if (parsed.count("help")) {
    std::cout << options.help() << "\n";
    return std::nullopt;
  }
  return parsed;
}

/// "1,2,4" as {1, 2, 4}; throws cxxopts' parsing error for a bad item.
template <typename T>
std::vector<T> parse_list(const std::string& text) {
  std::vector<T> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    std::stringstream cell(item);
    T value;
    cell >> value;
    if (!cell || !cell.eof()) throw cxxopts::exceptions::parsing("bad list item '" + item + "'");
    out.push_back(value);
  }
  return out;
}

/// "2-10,20,40" as {2, 3, ..., 10, 20, 40}: integers or inclusive ranges;
/// throws cxxopts' parsing error for a bad item or a descending range.
inline std::vector<int64_t> parse_ranges(const std::string& text) {
  std::vector<int64_t> out;
  for (const auto& item : parse_list<std::string>(text)) {
    const auto dash = item.find('-', 1);
    const auto bounds = parse_list<int64_t>(
        dash == std::string::npos ? item : item.substr(0, dash) + "," + item.substr(dash + 1));
    if (bounds.empty() || bounds.size() > 2 || bounds.front() > bounds.back()) {
      throw cxxopts::exceptions::parsing("bad range '" + item + "'");
    }
    for (int64_t v = bounds.front(); v <= bounds.back(); ++v) out.push_back(v);
  }
  return out;
}

}  // namespace cli
}  // namespace relulab
