#include "harness/report/report.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "harness/file_contents.h"
#include "harness/gpu_context.h"
#include "harness/peak.h"

namespace convt::report {

namespace {

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

// Google Benchmark's run key: its name, run type and repetition.
std::string benchmark_key(const nlohmann::json& b) {
  std::string key = b.value("name", "");
  for (const std::string& part :
       {b.value("run_type", ""), std::to_string(b.value("repetition_index", -1)), b.value("aggregate_name", "")}) {
    key += '|';
    key += part;
  }
  return key;
}

}  // namespace

nlohmann::json make_context(const RunInfo& info) {
  nlohmann::json c = {{"convt_version", info.convt_version},
                      {"commit", info.commit},
                      {"command_line", info.command_line},
                      {"date", utc_now()},
                      {"host", host_name()},
                      {"cpu_model", cpu_model()},
                      {"cores", cpu_cores()},
                      {"compiler", __VERSION__},
                      {"seeds", info.seeds},
                      {"shard", {{"index", info.shard_index}, {"count", info.shard_count}}}};
  if (info.peak_gflops_per_core > 0)
    c["peak"] = {{"isa", info.peak_isa}, {"gflops_per_core", info.peak_gflops_per_core}};
  if (info.with_gpu) {
    nlohmann::json gpu = nlohmann::json::object();
    for (const auto& [key, value] : gpu_context()) gpu[key] = value;
    c["gpu"] = gpu;
  }
  return c;
}

nlohmann::json new_report(const RunInfo& info) {
  return {{"schema_version", kSchemaVersion}, {"partial", false}, {"context", make_context(info)}};
}

std::optional<Error> write_atomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::string name = ".";
  name += target.filename().string();
  name += ".tmp.";
  name += std::to_string(getpid());
  const fs::path temporary = target.parent_path() / name;
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return Error{path + ": cannot write it (cannot create " + temporary.string() + ")"};
    out << text;
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(temporary, ec);
      return Error{path + ": cannot write it (disk full?)"};
    }
  }
  std::error_code ec;
  fs::rename(temporary, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    return Error{path + ": cannot write it: " + ec.message()};
  }
  return std::nullopt;
}

std::optional<Error> write_report(const std::string& path, const nlohmann::json& doc) {
  return write_atomically(path, doc.dump(1) + "\n");
}

Result<nlohmann::json> read_report(const std::string& path) {
  Result<std::string> text = read_file(path);
  if (!text) return text.error();
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return Error{path + ": not a JSON object"};
  if (doc.contains("schema_version")) {
    if (doc["schema_version"] != kSchemaVersion)
      return Error{path + ": schema_version " + doc["schema_version"].dump() + ", this convt reads " +
                   std::to_string(kSchemaVersion)};
    return doc;
  }
  if (doc.contains("benchmarks") && doc["benchmarks"].is_array()) {
    // Google Benchmark's JSON (convt bench --report): the performance section.
    nlohmann::json report = {{"schema_version", kSchemaVersion}, {"partial", false}};
    const nlohmann::json& gb = doc.value("context", nlohmann::json::object());
    report["context"] = {{"convt_version", gb.value("convt_version", "")},
                         {"date", gb.value("date", "")},
                         {"host", gb.value("host_name", "")},
                         {"cpu_model", gb.value("cpu_model", "")},
                         {"cores", gb.value("cores", "")},
                         {"compiler", gb.value("compiler", "")}};
    nlohmann::json records = nlohmann::json::array();
    int64_t k = 0;
    for (nlohmann::json b : doc["benchmarks"]) {
      b["order"] = {k++};
      records.push_back(std::move(b));
    }
    report["performance"] = {{"context", gb}, {"records", records}};
    return report;
  }
  return Error{path + ": neither a convt report (schema_version) nor Google Benchmark's JSON (benchmarks)"};
}

Result<nlohmann::json> merge_reports(const std::vector<nlohmann::json>& reports) {
  if (reports.empty()) return Error{"nothing to merge"};
  nlohmann::json merged = {{"schema_version", kSchemaVersion}, {"partial", false}, {"context", reports[0]["context"]}};
  merged["context"]["shard"] = {{"index", 0}, {"count", 1}};
  std::set<uint64_t> seeds;
  for (const nlohmann::json& r : reports) {
    if (r.value("schema_version", -1) != kSchemaVersion) return Error{"a report of another schema_version"};
    if (r.value("partial", false)) merged["partial"] = true;
    for (const auto& s : r["context"].value("seeds", nlohmann::json::array())) seeds.insert(s.get<uint64_t>());
  }
  merged["context"]["seeds"] = seeds;
  for (const char* section : kSections) {
    nlohmann::json records = nlohmann::json::array();
    std::set<std::string> keys;
    int64_t next = 0;  // performance: records in the order given
    bool present = false;
    for (const nlohmann::json& r : reports) {
      if (!r.contains(section)) continue;
      const nlohmann::json& s = r[section];
      if (!present) {
        merged[section] = s;
        merged[section].erase("records");
        present = true;
      }
      for (nlohmann::json rec : s.value("records", nlohmann::json::array())) {
        const bool performance = std::string(section) == "performance";
        if (performance) rec["order"] = {next++};
        const std::string key = performance ? benchmark_key(rec) : rec.value("order", nlohmann::json()).dump();
        if (!keys.insert(key).second)
          return Error{std::string("two reports hold the same ") + section + " record (" + key + ")"};
        records.push_back(std::move(rec));
      }
    }
    if (!present) continue;
    std::stable_sort(records.begin(), records.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
      return a.value("order", nlohmann::json::array()) < b.value("order", nlohmann::json::array());
    });
    merged[section]["records"] = std::move(records);
  }
  return merged;
}

}  // namespace convt::report
