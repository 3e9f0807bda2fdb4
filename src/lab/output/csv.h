// Minimal CSV: fields quoted only when needed, numbers that read back
// exactly, NaN as an empty field, and files replaced atomically.
#pragma once

#include <string>
#include <vector>

namespace relulab {
namespace lab {

using CsvRow = std::vector<std::string>;

/// A field, quoted if it holds a comma, quote or newline.
std::string csv_field(const std::string& text);
/// Shortest exact text of a double; "" for NaN.
std::string csv_number(double value);
std::string csv_line(const CsvRow& row);

/// Parses a whole CSV file (RFC 4180 quoting). Throws std::runtime_error.
std::vector<CsvRow> read_csv(const std::string& path);

/// "<host>-<pid>": unique among processes sharing a (network) filesystem.
std::string unique_suffix();

/// Writes `content` to a temporary file beside `path`, flushes it to disk,
/// then renames it over `path` and flushes the folder: readers see the old
/// file or the new one, never a torn one, whenever the process dies. Any
/// failed write, fsync, close or rename throws std::runtime_error naming the
/// file and leaves `path` as it was (Note [Atomic writes] in csv.cpp).
void write_file_atomically(const std::string& path, const std::string& content);

/// fsync(2) of a folder, so that renames into it are durable. Throws.
void fsync_directory(const std::string& dir);

}  // namespace lab
}  // namespace relulab
