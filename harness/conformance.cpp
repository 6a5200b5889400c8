#include "harness/conformance.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <regex>
#include <sstream>
#include <utility>

#include "harness/guarded_output.h"
#include "harness/interrupt.h"
#include "reference/descriptor.h"

namespace convt {

Result<std::vector<SuiteEntry>> select_problems(const std::vector<SuiteEntry>& problems,
                                                const std::string& filter, Shard shard) {
  std::regex pattern;
  try {
    pattern = std::regex(filter, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return Error{"bad --filter '" + filter + "': " + e.what()};
  }
  if (problems.empty()) return Error{"no problem to check: the suites given hold none"};
  std::vector<SuiteEntry> matching;
  for (const SuiteEntry& e : problems)
    if (filter.empty() || std::regex_search(e.name + " " + format_descriptor(e.problem), pattern))
      matching.push_back(e);
  if (matching.empty())
    return Error{"--filter '" + filter + "' matches none of the " + std::to_string(problems.size()) +
                 " problems (it is searched for in \"name descriptor\")"};
  std::vector<SuiteEntry> selected;
  for (size_t i = size_t(shard.index); i < matching.size(); i += size_t(shard.count)) selected.push_back(matching[i]);
  return selected;
}

std::vector<CheckRecord> run_check(const std::vector<SuiteEntry>& problems, std::vector<NamedBackend>& backends,
                                   const CheckOptions& options,
                                   const std::function<void(const CheckRecord&)>& on_case) {
  std::vector<CheckRecord> records;
  for (size_t pi = 0; pi < problems.size(); ++pi)
    for (size_t bi = 0; bi < backends.size(); ++bi) {
      const SuiteEntry& entry = problems[pi];
      NamedBackend& backend = backends[bi];
      const std::vector<DataMode>& modes = entry.data.empty() ? options.data : entry.data;
      for (size_t mi = 0; mi < modes.size(); ++mi) {
        if (interrupted()) return records;
        const DataMode mode = modes[mi];
        CheckRecord r;
        r.order = {options.shard.index + int64_t(pi) * options.shard.count, int64_t(bi), int64_t(mi)};
        r.entry = entry;
        r.backend = backend.name;
        r.spec = CaseSpec{entry.problem, mode, entry.seed.value_or(options.seed), options.repeat};
        r.result = run_case_with(*backend.backend, r.spec, options.isolation);
        r.repro = repro_command(backend, r.spec);
        if (on_case) on_case(r);
        const bool stop = options.fail_fast && r.result.verdict == Verdict::failed;
        records.push_back(std::move(r));
        if (stop) return records;
      }
    }
  return records;
}

CheckTotals totals(const std::vector<CheckRecord>& records) {
  CheckTotals t;
  for (const CheckRecord& r : records) {
    ++t.tests;
    switch (r.result.verdict) {
      case Verdict::passed: ++t.passed; break;
      case Verdict::failed: ++t.failed; break;
      case Verdict::mistrusted: ++t.mistrusted; break;
      case Verdict::skipped: ++t.skipped; break;
    }
  }
  return t;
}

std::string summary_line(const CheckTotals& t) {
  return "tests:" + std::to_string(t.tests) + " passed:" + std::to_string(t.passed) +
         " failed:" + std::to_string(t.failed) + " mistrusted:" + std::to_string(t.mistrusted) +
         " skipped:" + std::to_string(t.skipped);
}

namespace {

std::string at(const std::array<int64_t, 4>& i) {
  return "(n " + std::to_string(i[0]) + ", c " + std::to_string(i[1]) + ", h " + std::to_string(i[2]) +
         ", w " + std::to_string(i[3]) + ")";
}

}  // namespace

std::string describe_mismatches(const CaseResult& result, bool bounded) {
  std::ostringstream out;
  out << std::setprecision(9);
  bool prefill_explained = false;
  for (const Mismatch& m : result.comparison.first) {
    out << "    at " << at(m.at) << ": expected " << m.expected << ", ";
    if (m.not_written) {
      out << "not written";
      if (!std::exchange(prefill_explained, true))
        out << " (still convt's prefill, the NaN 0x" << std::hex << GuardedOutput::kUnwrittenBits << std::dec
            << ": never written, or accumulated into without being set first)";
    } else if (std::isnan(m.got) && !std::isnan(m.expected)) {
      out << "got NaN written by the kernel";
    } else {
      out << "got " << m.got;
      if (bounded && std::isfinite(m.expected))
        out << ", bound " << std::setprecision(3) << m.bound << std::setprecision(9);
    }
    out << '\n';
  }
  if (result.comparison.mismatches > int64_t(result.comparison.first.size()))
    out << "    ... and " << result.comparison.mismatches - int64_t(result.comparison.first.size())
        << " more\n";
  const RunDifferences& d = result.differences;
  for (const RunDifference& diff : d.first)
    out << "    run 1 and run " << result.differing_run << " differ at " << at(diff.at) << ": " << diff.first
        << " vs " << diff.other << '\n';
  if (d.count > int64_t(d.first.size())) out << "    ... and " << d.count - int64_t(d.first.size()) << " more\n";
  return out.str();
}

std::string describe(const CheckRecord& r) {
  std::ostringstream out;
  out << std::setprecision(9);
  out << "[" << verdict_name(r.result.verdict) << "] " << r.backend << " "
      << (r.entry.name.empty() ? "" : r.entry.name + " ") << format_descriptor(r.spec.problem) << " data "
      << data_mode_name(r.spec.data) << " seed " << r.spec.seed << ": ";
  if (!r.result.reason.empty()) out << r.result.reason;
  else if (r.spec.data == DataMode::exact) out << "bitwise equal to the oracle";
  else out << "largest error/bound " << std::setprecision(3) << r.result.comparison.worst_ratio << std::setprecision(9);
  out << '\n';
  out << describe_mismatches(r.result, r.spec.data != DataMode::exact);
  out << "    repro: " << r.repro << '\n';
  return out.str();
}

std::string failed_list(const std::vector<CheckRecord>& records, size_t limit) {
  std::vector<const CheckRecord*> failed;
  for (const CheckRecord& r : records)
    if (r.result.verdict == Verdict::failed) failed.push_back(&r);
  if (failed.empty()) return "";
  std::ostringstream out;
  out << "failed (" << failed.size() << "):\n";
  for (size_t i = 0; i < failed.size() && i < limit; ++i) {
    const CheckRecord& r = *failed[i];
    out << "  " << r.backend << " " << (r.entry.name.empty() ? "" : r.entry.name + " ")
        << format_descriptor(r.spec.problem) << " data " << data_mode_name(r.spec.data) << ": " << r.result.reason
        << "\n    repro: " << r.repro << '\n';
  }
  if (failed.size() > limit) out << "  ... and " << failed.size() - limit << " more\n";
  return out.str();
}

std::string skipped_list(const std::vector<CheckRecord>& records, size_t limit) {
  // reason -> (cases, backends in order of appearance)
  std::vector<std::pair<std::string, std::pair<size_t, std::vector<std::string>>>> reasons;
  size_t skipped = 0;
  for (const CheckRecord& r : records) {
    if (r.result.verdict != Verdict::skipped) continue;
    ++skipped;
    auto it = std::find_if(reasons.begin(), reasons.end(), [&](const auto& e) { return e.first == r.result.reason; });
    if (it == reasons.end()) it = reasons.insert(reasons.end(), {r.result.reason, {0, {}}});
    ++it->second.first;
    std::vector<std::string>& names = it->second.second;
    if (std::find(names.begin(), names.end(), r.backend) == names.end()) names.push_back(r.backend);
  }
  if (!skipped) return "";
  std::ostringstream out;
  out << "skipped (" << skipped << "), by reason:\n";
  for (size_t i = 0; i < reasons.size() && i < limit; ++i) {
    const auto& [reason, seen] = reasons[i];
    const auto& [cases, names] = seen;
    out << "  " << cases << " case(s) of " << names.front();
    if (names.size() > 1) out << (names.size() > 2 ? " ... " : ", ") << names.back() << " (" << names.size() << " backends)";
    out << ": " << reason << '\n';
  }
  if (reasons.size() > limit) out << "  ... and " << reasons.size() - limit << " more reasons (--verbose prints each case)\n";
  return out.str();
}

}  // namespace convt
