// Reading a whole file as bytes, with every failure (missing, unreadable, a
// directory) as an error value that names the path.
#pragma once

#include <string>

#include "reference/result.h"

namespace convt {

Result<std::string> read_file(const std::string& path);

}  // namespace convt
