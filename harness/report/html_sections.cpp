#include "harness/report/html_sections.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <vector>

#include "harness/report/html_text.h"

namespace convt::report::html {

namespace {

using nlohmann::json;

constexpr size_t kFirstFailures = 10;  // failures listed with their repro; the rest are counted
constexpr size_t kListed = 20;         // records that did not pass, listed per section

std::string td(std::string_view html, std::string_view attributes = "") { return tag("td", html, attributes); }
std::string th(std::string_view html, std::string_view attributes = "") { return tag("th", html, attributes); }
std::string num(double v) { return td(format_number(v, 6), "class=\"num\""); }

// The class that colours a verdict: v-passed, v-failed, ... (the page's style).
std::string verdict_class(const std::string& verdict) {
  std::string cls = "v-";
  for (char c : verdict) cls += (std::isalnum(static_cast<unsigned char>(c)) ? c : '-');
  return "class=\"" + cls + "\"";
}

// Adds `name` to `names` unless it is there.
void remember(std::vector<std::string>& names, const std::string& name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

// The worse of two ratios or errors: NaN is the worst, then the larger.
void keep_worst(std::optional<double>& worst, std::optional<double> v) {
  if (!v) return;
  if (!worst || std::isnan(*v) || (!std::isnan(*worst) && *v > *worst)) worst = v;
}

std::string optional_number(std::optional<double> v) { return v ? format_number(*v, 4) : "-"; }

std::string yes_no(std::optional<bool> v) { return v ? (*v ? "yes" : "no") : "?"; }

std::string problem_cell(const json& record) {
  const std::string problem = text(record, "problem");
  std::string html = tag("code", escape(short_descriptor(problem)), "title=\"" + escape(problem) + "\"");
  const std::string name = text(record, "name");
  if (!name.empty()) html += "<br><span class=\"note\">" + escape(name) + "</span>";
  return td(html);
}

// "key: value; ..." of an object's scalar and array members.
std::string options_line(const json& options) {
  std::string line;
  if (!options.is_object()) return line;
  for (const auto& [key, value] : options.items()) {
    std::string shown;
    if (value.is_array()) {
      for (const json& v : value) {
        if (!shown.empty()) shown += ", ";
        shown += scalar_text(v, "...");
      }
    } else if (value.is_primitive()) {
      shown = scalar_text(value);
    } else {
      continue;
    }
    if (!line.empty()) line += "; ";
    line += key + ": " + shown;
  }
  return line;
}

}  // namespace

std::string backend_name(const std::string& backend, Palette& palette) {
  return "<span class=\"backend\"><span class=\"swatch\" style=\"background:" + palette.colour(backend) + "\"></span>" +
         escape(backend) + "</span>";
}

std::string conformance_tables(const json& c, Palette& palette) {
  std::vector<std::string> backends;
  std::map<std::string, const json*> described;
  for (const json& b : array(c, "backends")) {
    const std::string name = text(b, "name");
    if (name.empty()) continue;
    remember(backends, name);
    described[name] = &b;
  }
  std::map<std::string, std::map<std::string, int64_t>> counts;
  std::vector<const json*> failures;
  const json& records = array(c, "records");
  for (const json& r : records) {
    const std::string backend = text(r, "backend", "?"), verdict = text(r, "verdict", "?");
    remember(backends, backend);
    ++counts[backend][verdict];
    if (verdict == "failed" || verdict == "mistrusted") failures.push_back(&r);
  }
  const std::vector<std::string> verdicts = {"passed", "failed", "mistrusted", "skipped"};
  std::string html = "<table>\n<tr>" + th("backend") + th("device") + th("declares deterministic");
  for (const std::string& v : verdicts) html += th(v);
  html += th("other") + th("description") + "</tr>\n";
  std::map<std::string, int64_t> totals;
  for (const std::string& b : backends) {
    const json& about = described.count(b) ? *described[b] : json::object();
    html += "<tr>" + td(backend_name(b, palette)) + td(escape(text(about, "device"))) +
            td(yes_no(flag(about, "deterministic")));
    int64_t other = 0;
    for (const auto& [verdict, n] : counts[b])
      if (std::find(verdicts.begin(), verdicts.end(), verdict) == verdicts.end()) other += n;
    for (const std::string& v : verdicts) {
      const int64_t n = counts[b][v];
      totals[v] += n;
      html += td(std::to_string(n),
                 n > 0 && v != "skipped" ? verdict_class(v) + " style=\"text-align:right\"" : "class=\"num\"");
    }
    totals["other"] += other;
    html += num(double(other)) + td(escape(text(about, "description"))) + "</tr>\n";
  }
  html += "<tr>" + th("all") + th("") + th("");
  for (const std::string& v : verdicts) html += th(std::to_string(totals[v]), "class=\"num\"");
  html += th(std::to_string(totals["other"]), "class=\"num\"") + th(std::to_string(records.size()) + " cases") +
          "</tr>\n</table>\n";
  const std::string options = options_line(member(c, "options"));
  if (!options.empty()) html += "<p class=\"note\">options: " + escape(options) + "</p>\n";
  if (failures.empty()) return html + "<p>No case failed or was mistrusted.</p>\n";

  html += "<h3>First failures</h3>\n<table class=\"failures\">\n<tr>" + th("backend") + th("problem") +
          th("data, seed") + th("verdict") + th("worst error / bound") + th("mismatches") + th("reason") + "</tr>\n";
  for (size_t i = 0; i < failures.size() && i < kFirstFailures; ++i) {
    const json& r = *failures[i];
    const std::string verdict = text(r, "verdict");
    html += "<tr>" + td(backend_name(text(r, "backend", "?"), palette)) + problem_cell(r) +
            td(escape(text(r, "data") + ", " + text(r, "seed"))) + td(escape(verdict), verdict_class(verdict)) +
            td(escape(text(r, "worst_error_to_bound", "-")), "class=\"num\"") +
            td(escape(text(r, "mismatches", "-")), "class=\"num\"") + td(escape(text(r, "reason"))) + "</tr>\n";
    const std::string repro = text(r, "repro");
    if (!repro.empty())
      html += "<tr class=\"repro\">" + td("repro: " + tag("code", escape(repro)), "colspan=\"7\"") + "</tr>\n";
  }
  html += "</table>\n";
  if (failures.size() > kFirstFailures)
    html += "<p class=\"note\">and " + std::to_string(failures.size() - kFirstFailures) +
            " more failed or mistrusted cases (in the report's JSON).</p>\n";
  return html;
}

std::string accuracy_tables(const json& a, Palette& palette) {
  struct Summary {
    std::vector<std::string> declared;
    std::map<std::string, int64_t> verdicts;
    int64_t records = 0;
    std::optional<double> strict, tf32, abs_error, k_lo, k_hi;
  };
  std::vector<std::string> backends;
  std::map<std::string, Summary> by_backend;
  std::vector<const json*> not_passed;
  for (const json& r : array(a, "records")) {
    const std::string backend = text(r, "backend", "?");
    remember(backends, backend);
    Summary& s = by_backend[backend];
    remember(s.declared, text(r, "declared", "?"));
    ++s.records;
    const std::string verdict = text(r, "verdict", "?");
    ++s.verdicts[verdict];
    if (verdict != "passed") not_passed.push_back(&r);
    keep_worst(s.strict, number(r, "strict_ratio"));
    keep_worst(s.tf32, number(r, "tf32_ratio"));
    keep_worst(s.abs_error, number(r, "max_abs_error"));
    if (const std::optional<double> k = number(r, "K")) {
      if (!s.k_lo || *k < *s.k_lo) s.k_lo = k;
      keep_worst(s.k_hi, k);
    }
  }
  std::string html = "<table>\n<tr>" + th("backend") + th("declared") + th("records") + th("passed") +
                     th("not passed") + th("K from") + th("K to") + th("worst error / strict bound") +
                     th("worst error / TF32 bound") + th("worst max |error|") + "</tr>\n";
  for (const std::string& b : backends) {
    const Summary& s = by_backend[b];
    std::string declared;
    for (const std::string& d : s.declared) declared += (declared.empty() ? "" : ", ") + d;
    const int64_t passed = s.verdicts.count("passed") ? s.verdicts.at("passed") : 0;
    const int64_t others = s.records - passed;
    html += "<tr>" + td(backend_name(b, palette)) + td(escape(declared)) + num(double(s.records)) +
            td(std::to_string(passed),
               passed > 0 ? verdict_class("passed") + " style=\"text-align:right\"" : "class=\"num\"") +
            td(std::to_string(others),
               others > 0 ? verdict_class("failed") + " style=\"text-align:right\"" : "class=\"num\"") +
            td(optional_number(s.k_lo), "class=\"num\"") + td(optional_number(s.k_hi), "class=\"num\"") +
            td(optional_number(s.strict), "class=\"num\"") + td(optional_number(s.tf32), "class=\"num\"") +
            td(optional_number(s.abs_error), "class=\"num\"") + "</tr>\n";
  }
  html += "</table>\n";
  if (not_passed.empty()) return html + "<p>Every record passed.</p>\n";
  html += "<h3>Records that did not pass</h3>\n<table>\n<tr>" + th("backend") + th("problem") + th("declared") +
          th("K") + th("error / strict bound") + th("error / TF32 bound") + th("verdict") + th("reason") + "</tr>\n";
  for (size_t i = 0; i < not_passed.size() && i < kListed; ++i) {
    const json& r = *not_passed[i];
    const std::string verdict = text(r, "verdict", "?");
    html += "<tr>" + td(backend_name(text(r, "backend", "?"), palette)) + problem_cell(r) +
            td(escape(text(r, "declared"))) + td(escape(text(r, "K")), "class=\"num\"") +
            td(optional_number(number(r, "strict_ratio")), "class=\"num\"") +
            td(optional_number(number(r, "tf32_ratio")), "class=\"num\"") +
            td(escape(verdict), verdict_class(verdict)) + td(escape(text(r, "reason"))) + "</tr>\n";
  }
  html += "</table>\n";
  if (not_passed.size() > kListed)
    html += "<p class=\"note\">and " + std::to_string(not_passed.size() - kListed) + " more.</p>\n";
  return html;
}

std::string determinism_tables(const json& d, Palette& palette) {
  std::vector<std::string> problems, backends;
  std::map<std::pair<std::string, std::string>, const json*> cells;
  std::vector<const json*> not_passed;
  const json& records = array(d, "records");
  for (const json& r : records) {
    const std::string problem = text(r, "problem", "?"), backend = text(r, "backend", "?");
    remember(problems, problem);
    remember(backends, backend);
    cells.emplace(std::make_pair(problem, backend), &r);
    if (text(r, "verdict") != "passed") not_passed.push_back(&r);
  }
  std::string html =
      "<p>Each cell: <b>declared</b> deterministic / <b>observed</b> deterministic, and the "
      "verdict: ";
  for (const char* v : {"passed", "failed", "admitted", "skipped", "error"})
    html += "<span " + verdict_class(v) + " style=\"padding:0 6px\">" + v + "</span> ";
  html += "</p>\n";
  const std::string runs = text(d, "runs"), data = text(d, "data"), seed = text(d, "seed");
  if (!runs.empty() || !data.empty())
    html += "<p class=\"note\">" + escape(runs) + " runs per problem and backend, data " + escape(data) + ", seed " +
            escape(seed) + ".</p>\n";
  html += "<table class=\"matrix\">\n<tr>" + th("problem");
  for (const std::string& b : backends) html += th(backend_name(b, palette));
  html += "</tr>\n";
  for (const std::string& p : problems) {
    html += "<tr>" + td(tag("code", escape(short_descriptor(p)), "title=\"" + escape(p) + "\""));
    for (const std::string& b : backends) {
      const auto it = cells.find({p, b});
      if (it == cells.end()) {
        html += td("");
        continue;
      }
      const json& r = *it->second;
      const std::string verdict = text(r, "verdict", "?");
      const std::string declared_by = text(r, "declared_by");
      const std::string title = verdict + ": " + text(r, "reason") + " (distinct outputs " +
                                text(r, "distinct_outputs", "?") + " of " + text(r, "runs", "?") +
                                " runs; max difference " + text(r, "max_difference_bound_units", "?") + " bound units" +
                                (declared_by.empty() ? "" : "; declared by " + declared_by) + ")";
      html += td(yes_no(flag(r, "declared_deterministic")) + " / " + yes_no(flag(r, "observed_deterministic")) +
                     " <span class=\"small\">" + escape(verdict) + "</span>",
                 verdict_class(verdict) + " title=\"" + escape(title) + "\"");
    }
    html += "</tr>\n";
  }
  html += "</table>\n";
  if (not_passed.empty()) return html + "<p>Every record passed.</p>\n";
  html += "<h3>Records that did not pass</h3>\n<table>\n<tr>" + th("backend") + th("problem") + th("declared by") +
          th("distinct outputs / runs") + th("max difference (bound units)") + th("threads") + th("verdict") +
          th("reason") + "</tr>\n";
  for (size_t i = 0; i < not_passed.size() && i < kListed; ++i) {
    const json& r = *not_passed[i];
    const std::string verdict = text(r, "verdict", "?");
    std::string threads = "-";
    const json& t = member(r, "threads");
    if (t.is_object()) {
      threads.clear();
      for (const json& n : array(t, "counts")) threads += (threads.empty() ? "" : ", ") + scalar_text(n);
      threads += flag(t, "identical").value_or(false) ? ": identical" : ": differ";
    }
    html += "<tr>" + td(backend_name(text(r, "backend", "?"), palette)) + problem_cell(r) +
            td(escape(text(r, "declared_by"))) +
            td(escape(text(r, "distinct_outputs", "?") + " / " + text(r, "runs", "?")), "class=\"num\"") +
            td(escape(text(r, "max_difference_bound_units", "-")), "class=\"num\"") + td(escape(threads)) +
            td(escape(verdict), verdict_class(verdict)) + td(escape(text(r, "reason"))) + "</tr>\n";
  }
  html += "</table>\n";
  if (not_passed.size() > kListed)
    html += "<p class=\"note\">and " + std::to_string(not_passed.size() - kListed) + " more.</p>\n";
  return html;
}

}  // namespace convt::report::html
