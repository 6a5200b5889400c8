// Reading a whole file as bytes, with every failure (missing, unreadable, a
// directory) as an error value that names the path; and finding out, before
// a run, whether a file the run will write can be written.
#pragma once

#include <optional>
#include <string>

#include "reference/result.h"

namespace convt {

Result<std::string> read_file(const std::string& path);

// Whether `path` can be written, found by opening it for appending: a file
// that is there keeps its contents, and one that was not is removed again.
std::optional<Error> check_can_write(const std::string& path);

}  // namespace convt
