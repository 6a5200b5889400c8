// Comma-separated lists, as the command line takes them (--backend
// cpu,onednn, --data exact,normal): one splitter and one joiner for all.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace convt {

// The items between commas, in order, none dropped: "a,b" gives {a, b}, ""
// gives {""}, "a," and "a,,b" give an empty item. Whoever reads a list
// refuses the empty items it cannot use.
std::vector<std::string> split_list(std::string_view text);

// The items with `separator` between them: join_list({a, b}, ", ") is "a, b".
std::string join_list(const std::vector<std::string>& items, std::string_view separator = ",");

}  // namespace convt
