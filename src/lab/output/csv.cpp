// CSV helpers: see csv.h.

#include "lab/output/csv.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "lab/config/schema.h"

namespace relulab {
namespace lab {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_number(double value) { return std::isnan(value) ? "" : format_double(value); }

std::string csv_line(const CsvRow& row) {
  std::string line;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) line += ',';
    line += csv_field(row[i]);
  }
  return line + "\n";
}

std::vector<CsvRow> read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      any = true;
    } else if (c == '\n') {
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
      any = false;
    } else if (c != '\r') {
      field += c;
      any = true;
    }
  }
  if (quoted) throw std::runtime_error(path + ": unterminated quoted field");
  if (any) throw std::runtime_error(path + ": last line has no newline (torn write?)");
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].size() != rows[0].size()) {
      throw std::runtime_error(path + ": line " + std::to_string(i + 1) + " has " +
                               std::to_string(rows[i].size()) + " fields where the header has " +
                               std::to_string(rows[0].size()) + " (torn or edited file?)");
    }
  }
  return rows;
}

std::string unique_suffix() {
  char host[256] = {0};
  ::gethostname(host, sizeof(host) - 1);
  return std::string(host) + "-" + std::to_string(::getpid());
}

void fsync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(dir + ": cannot open to sync: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  // Some file systems cannot sync a directory (EINVAL): nothing more to do there.
  if (rc != 0 && error != EINVAL) {
    throw std::runtime_error(dir + ": cannot sync: " + std::strerror(error));
  }
}

// Note [Atomic writes]
// Content goes to "<path>.tmp.<host>-<pid>", created exclusively and never
// through a symlink (a name planted in a shared folder cannot redirect the
// write), is fsynced, then renamed over <path>, and the folder is fsynced so
// the rename survives a power cut. Every error -- write, fsync and close
// included: quota and disk-full errors often show only there on NFS and
// Lustre -- removes the temporary and throws naming the file, so a truncated
// file never replaces a good one.
void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp." + unique_suffix();
  const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  int fd = ::open(tmp.c_str(), flags, 0644);
  if (fd < 0 && errno == EEXIST) {
    // Left by an earlier process with our pid (pids are reused): ours to replace.
    ::unlink(tmp.c_str());
    fd = ::open(tmp.c_str(), flags, 0644);
  }
  if (fd < 0) throw std::runtime_error(tmp + ": cannot create: " + std::strerror(errno));
  const auto fail = [&](const char* what, int error) {
    ::unlink(tmp.c_str());
    throw std::runtime_error(path + ": " + what + " failed: " + std::strerror(error) +
                             " (the previous content, if any, is unchanged)");
  };
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      fail("write", error);
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    fail("fsync", error);
  }
  if (::close(fd) != 0) fail("close", errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("rename", errno);
  const auto parent = std::filesystem::path(path).parent_path();
  fsync_directory(parent.empty() ? "." : parent.string());
}

}  // namespace lab
}  // namespace relulab
