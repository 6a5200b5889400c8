#include "harness/suite.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "harness/file_contents.h"
#include "reference/descriptor.h"

namespace convt {
namespace {

using nlohmann::json;

// nlohmann reports a byte offset; users want line and column.
std::string line_and_column(std::string_view text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

Result<std::string> optional_string(const json& object, const char* key, const std::string& where) {
  if (!object.contains(key)) return std::string();
  if (!object[key].is_string()) return Error{where + ": \"" + key + "\" must be a string"};
  return object[key].get<std::string>();
}

bool is_annotation(const std::string& key) {
  return key == "name" || key == "source" || key == "data" || key == "seed";
}

Result<Problem> problem_from_object(const json& object, const std::string& where) {
  if (object.contains("descriptor")) {
    for (const auto& [key, value] : object.items())
      if (key != "descriptor" && !is_annotation(key))
        return Error{where + ": \"" + key + "\" cannot be combined with \"descriptor\""};
    if (!object["descriptor"].is_string()) return Error{where + ": \"descriptor\" must be a string"};
    return parse_problem(object["descriptor"].get<std::string>());
  }
  Descriptor d;
  for (const auto& [key, value] : object.items()) {
    if (is_annotation(key)) continue;
    if (key == "bias") {
      if (!value.is_boolean()) return Error{where + ": \"bias\" must be true or false"};
      d.nobias = !value.get<bool>();
      continue;
    }
    int field = 0;
    while (field < kFieldCount && key != kFieldNames[field]) ++field;
    if (field == kFieldCount) {
      std::string known;
      for (const char* name : kFieldNames) known += std::string(name) + " ";
      return Error{where + ": unknown field \"" + key + "\" (fields: " + known +
                   "bias name source data seed descriptor)"};
    }
    // Negative values are let through to validation, which refuses them in
    // PyTorch's words ("negative padding is not supported").
    if (!value.is_number_integer())
      return Error{where + ": \"" + key + "\" must be an integer, not " + value.dump()};
    if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
      return Error{where + ": \"" + key + "\" is " + value.dump() + ", beyond 64-bit integers"};
    d.set(Field(field), value.get<int64_t>());
  }
  Result<Problem> p = problem_from_descriptor(d);
  if (!p) return p.error();
  if (auto e = validate(*p)) return *e;
  return p;
}

// "data": "exact" or ["exact", "special"]; "seed": a non-negative integer.
std::optional<Error> read_data_and_seed(const json& object, const std::string& where, SuiteEntry& entry) {
  if (object.contains("data")) {
    const json& data = object["data"];
    const json modes = data.is_array() ? data : json::array({data});
    if (modes.empty()) return Error{where + ": \"data\" is an empty list (name at least one data mode)"};
    for (const json& mode : modes) {
      Result<DataMode> m = mode.is_string() ? parse_data_mode(mode.get<std::string>())
                                            : Result<DataMode>(Error{"not a string: " + mode.dump()});
      if (!m) return Error{where + ": \"data\": " + m.error().message};
      entry.data.push_back(*m);
    }
  }
  if (object.contains("seed")) {
    if (!object["seed"].is_number_unsigned())
      return Error{where + ": \"seed\" must be a non-negative integer, not " + object["seed"].dump()};
    entry.seed = object["seed"].get<uint64_t>();
  }
  return std::nullopt;
}

}  // namespace

Result<Suite> parse_suite(std::string_view text, const std::string& file) {
  json document;
  try {
    document = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line 3, column 5: syntax
    // error while parsing value - invalid literal; last read: '...'": keep what follows the position.
    std::string what = e.what();
    const size_t colon = what.find(": ", what.find("parse error"));
    if (colon != std::string::npos) what = what.substr(colon + 2);
    return Error{file + ":" + line_and_column(text, e.byte == 0 ? 0 : e.byte - 1) + ": " + what};
  }
  if (!document.is_object())
    return Error{file + ": expected a JSON object {\"name\": ..., \"problems\": [...]}"};
  Suite suite;
  if (document.contains("name")) {
    if (!document["name"].is_string()) return Error{file + ": \"name\" must be a string"};
    suite.name = document["name"].get<std::string>();
  }
  for (const auto& [key, value] : document.items())
    if (key != "name" && key != "problems" && key != "description")
      return Error{file + ": unknown key \"" + key + "\" (expected name, description, problems)"};
  if (!document.contains("problems") || !document["problems"].is_array())
    return Error{file + ": expected \"problems\": an array of descriptors or objects"};

  const json& problems = document["problems"];
  for (size_t i = 0; i < problems.size(); ++i) {
    const json& item = problems[i];
    const std::string where = file + ": problems[" + std::to_string(i) + "]";
    SuiteEntry entry;
    Result<Problem> p = Error{};
    if (item.is_string()) {
      p = parse_problem(item.get<std::string>());
    } else if (item.is_object()) {
      p = problem_from_object(item, where);
      Result<std::string> name = optional_string(item, "name", where);
      Result<std::string> source = optional_string(item, "source", where);
      if (!name) return name.error();
      if (!source) return source.error();
      entry.name = *name;
      entry.source = *source;
      if (auto e = read_data_and_seed(item, where, entry)) return *e;
    } else {
      return Error{where + ": expected a descriptor string or an object, not " + item.dump()};
    }
    if (!p) {
      const std::string& m = p.error().message;
      return Error{m.rfind(where, 0) == 0 ? m : where + ": " + m};
    }
    entry.problem = *p;
    suite.problems.push_back(std::move(entry));
  }
  return suite;
}

Result<Suite> load_suite(const std::string& path) {
  Result<std::string> text = read_file(path);
  if (!text) return text.error();
  return parse_suite(*text, path);
}

}  // namespace convt
