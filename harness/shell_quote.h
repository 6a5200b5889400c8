// Command lines a user can paste: words quoted for a POSIX shell, paths made
// absolute so that the line works from any directory.
#pragma once

#include <string>
#include <string_view>

namespace convt {

// The word as it is when it needs no quoting (letters, digits and
// _@%+=:,./-), otherwise in single quotes (a ' inside becomes '\'').
std::string shell_quote(std::string_view word);

// The path made absolute (against the current directory) and normalized,
// then quoted.
std::string shell_path(const std::string& path);

}  // namespace convt
