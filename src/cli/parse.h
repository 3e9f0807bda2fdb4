// Command-line parsing shared by the commands.
#pragma once

#include <cxxopts.hpp>

#include <iostream>
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

}  // namespace cli
}  // namespace relulab
