#include "harness/file_contents.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace convt {

Result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Error{path + ": is a directory, not a file"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open: " + std::strerror(errno)};
  std::ostringstream bytes;
  try {
    bytes << in.rdbuf();  // libstdc++ throws from underflow on a read error
  } catch (const std::exception& e) {
    return Error{path + ": read failed: " + e.what()};
  }
  if (in.bad()) return Error{path + ": read failed"};
  return bytes.str();
}

std::optional<Error> check_can_write(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Error{path + ": is a directory, not a file"};
  const bool existed = std::filesystem::exists(path, ec);
  if (!std::ofstream(path, std::ios::app)) return Error{path + ": cannot open for writing: " + std::strerror(errno)};
  if (!existed) std::filesystem::remove(path, ec);
  return std::nullopt;
}

}  // namespace convt
