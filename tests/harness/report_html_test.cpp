// convt report html (harness/report/html.h): the page of a report with
// every section (fixtures/report_sections.json: conformance, determinism,
// accuracy; fixtures/report_benchmarks.json: Google Benchmark's JSON as
// convt bench writes it, repetitions and a refused benchmark included),
// checked against what the fixtures hold: one bar per measurement, one
// point per accuracy ratio, bars as long as their GFLOP/s, the peak where
// it belongs, the medians' speedups, nothing unescaped, no external URL,
// balanced tags. Then the command line (with a real convt bench run), and,
// where Chromium is installed, the page as Chromium renders it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/report/html.h"
#include "harness/report/report.h"
#include "tests/harness/cli_fixture.h"

namespace convt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kFixtures = fs::path(__FILE__).parent_path() / "fixtures";
const std::string kSections = (kFixtures / "report_sections.json").string();
const std::string kBenchmarks = (kFixtures / "report_benchmarks.json").string();

size_t count(std::string_view haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

// The <svg> of one plot, from its opening tag to its </svg>; empty if absent.
std::string plot(const std::string& page, std::string_view name) {
  const size_t at = page.find("<svg class=\"plot\" data-plot=\"" + std::string(name) + "\"");
  if (at == std::string::npos) return "";
  const size_t end = page.find("</svg>", at);
  return end == std::string::npos ? "" : page.substr(at, end + 6 - at);
}

json read(const std::string& path) {
  Result<json> r = report::read_report(path);
  EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
  return r ? *r : json::object();
}

// The fixtures joined: a report with all four sections.
json all_sections() {
  Result<json> merged = report::merge_reports({read(kSections), read(kBenchmarks)});
  EXPECT_TRUE(merged.ok()) << (merged ? "" : merged.error().message);
  return merged ? *merged : json::object();
}

// The (backend, layer) pairs the benchmark fixture measured: its entries
// without error_occurred, by run_name.
std::set<std::pair<std::string, std::string>> measured(const json& gbench) {
  std::set<std::pair<std::string, std::string>> pairs;
  for (const json& b : gbench["benchmarks"]) {
    if (b.value("error_occurred", false)) continue;
    const std::string name = b["run_name"];
    pairs.insert({name.substr(0, name.find('/')), name.substr(name.find('/') + 1)});
  }
  return pairs;
}

// Whether the markup nests: every element closed in order, except the void
// ones (meta, br) and those written <.../>; <style>'s text is skipped.
// Returns "" or what went wrong.
std::string nesting_error(const std::string& page) {
  std::vector<std::string> open;
  size_t at = 0;
  while ((at = page.find('<', at)) != std::string::npos) {
    const size_t end = page.find('>', at);
    if (end == std::string::npos) return "a '<' without '>' at " + std::to_string(at);
    const std::string tag = page.substr(at + 1, end - at - 1);
    at = end + 1;
    if (tag.empty()) return "an empty tag";
    if (tag[0] == '!') continue;  // <!DOCTYPE html>
    if (tag.back() == '/') continue;
    const bool closing = tag[0] == '/';
    const std::string name = tag.substr(closing ? 1 : 0, tag.find_first_of(" \n", closing ? 1 : 0) - (closing ? 1 : 0));
    if (name == "meta" || name == "br") continue;
    if (!closing) {
      open.push_back(name);
      if (name == "style") {
        at = page.find("</style>", at);
        if (at == std::string::npos) return "<style> not closed";
      }
      continue;
    }
    if (open.empty() || open.back() != name)
      return "</" + name + "> closes <" + (open.empty() ? std::string("nothing") : open.back()) + ">";
    open.pop_back();
  }
  return open.empty() ? "" : "<" + open.back() + "> not closed";
}

// Attribute `name` of the tag that starts at `at`.
double attribute(const std::string& text, size_t at, const std::string& name) {
  const size_t a = text.find(' ' + name + "=\"", at);
  return std::atof(text.c_str() + a + name.size() + 3);
}

TEST(ReportHtml, EveryPlotDrawsOneElementPerDataPoint) {
  const json doc = all_sections();
  const std::string page = report::render_html(doc);
  EXPECT_EQ(count(page, "data-plot="), 3u);
  EXPECT_EQ(count(page, "<svg"), 3u);
  EXPECT_EQ(count(page, "<svg"), count(page, "</svg>"));

  // GFLOP/s: a bar per measured (backend, layer); the refused one is named.
  const json gbench = json::parse(testing::read_file(kBenchmarks));
  const auto pairs = measured(gbench);
  ASSERT_EQ(pairs.size(), 8u);
  EXPECT_EQ(count(plot(page, "gflops"), "class=\"bar\""), pairs.size());
  EXPECT_CONTAINS(plot(page, "gflops"), "onednn-nchw: not run");

  // Speedup over the first backend (cpu): a bar per layer both measured.
  size_t both = 0;
  for (const auto& [backend, layer] : pairs)
    if (backend != "cpu" && pairs.count({"cpu", layer})) ++both;
  EXPECT_EQ(count(plot(page, "speedup"), "class=\"bar\""), both);

  // Accuracy: a point per record's strict ratio, another per TF32 record.
  size_t ratios = 0;
  for (const json& r : doc["accuracy"]["records"])
    ratios += r["declared"].get<std::string>().rfind("tf32", 0) == 0 ? 2 : 1;
  EXPECT_EQ(count(plot(page, "accuracy"), "class=\"point\""), ratios);
  EXPECT_EQ(count(plot(page, "accuracy"), "class=\"bound\""), 1u);

  // The contents count the plots too.
  EXPECT_CONTAINS(page, "3 plots");
  EXPECT_CONTAINS(page, "plot accuracy: " + std::to_string(ratios) + " points");
}

TEST(ReportHtml, BarsAreAsLongAsTheirGflopsAndThePeakIsWhereItBelongs) {
  const std::string gflops = plot(report::render_html(all_sections()), "gflops");
  ASSERT_FALSE(gflops.empty());
  // Each bar's title holds its GFLOP/s (3 significant digits): pixels per
  // GFLOP/s must be the same for every bar.
  const std::regex value(": ([0-9.]+) GFLOP/s");
  std::vector<double> scale;
  double x0 = -1;
  for (size_t at = gflops.find("<rect class=\"bar\""); at != std::string::npos;
       at = gflops.find("<rect class=\"bar\"", at + 1)) {
    std::smatch m;
    const std::string rest = gflops.substr(at, gflops.find("</rect>", at) - at);
    ASSERT_TRUE(std::regex_search(rest, m, value)) << rest;
    scale.push_back(attribute(gflops, at, "width") / std::stod(m[1]));
    x0 = attribute(gflops, at, "x");
  }
  ASSERT_EQ(scale.size(), 8u);
  for (double s : scale) EXPECT_NEAR(s, scale[0], scale[0] * 0.01);
  // The peak: 192.06 GFLOP/s (the benchmark context's peak_gflops).
  const size_t line = gflops.find("<line class=\"peak\"");
  ASSERT_NE(line, std::string::npos);
  EXPECT_NEAR(attribute(gflops, line, "x1"), x0 + 192.06 * scale[0], 1.5);
  EXPECT_CONTAINS(gflops, "peak 192 GFLOP/s");
}

TEST(ReportHtml, SpeedupsAreOfTheMediansOverTheNamedBaseline) {
  // Over oneDNN: cpu's medians are 2x, 4x and 1x as fast (geometric mean
  // 2; the means of the repeated layer would make it 2.15), oneDNN-NCHW's
  // 0.5x on the two layers it ran.
  const std::string page = report::render_html(all_sections(), report::HtmlOptions{"onednn"});
  const std::string speedup = plot(page, "speedup");
  EXPECT_CONTAINS(speedup, "cpu: geomean 2.00x over 3 layers");
  EXPECT_CONTAINS(speedup, "onednn-nchw: geomean 0.50x over 2 layers");
  EXPECT_EQ(count(speedup, "class=\"bar\""), 5u);
  EXPECT_EQ(count(speedup, "class=\"one\""), 1u);
  EXPECT_EQ(report::performance_backends(all_sections()), (std::vector<std::string>{"cpu", "onednn", "onednn-nchw"}));
}

TEST(ReportHtml, TablesHoldTheSectionsRecords) {
  const json doc = all_sections();
  const std::string page = report::render_html(doc);
  // Conformance: the repro of every failed or mistrusted case, none other.
  for (const json& r : doc["conformance"]["records"]) {
    const std::string repro = r["repro"];
    if (repro.empty()) continue;
    const bool listed = r["verdict"] == "failed" || r["verdict"] == "mistrusted";
    EXPECT_EQ(page.find("<code>" + repro + "</code>") != std::string::npos, listed) << repro;
  }
  // Determinism: one coloured cell per record in the matrix.
  const size_t matrix = page.find("<table class=\"matrix\">");
  ASSERT_NE(matrix, std::string::npos);
  const std::string cells = page.substr(matrix, page.find("</table>", matrix) - matrix);
  EXPECT_EQ(count(cells, "<td class=\"v-"), doc["determinism"]["records"].size());
  EXPECT_EQ(count(cells, "<td class=\"v-failed\""), 1u);
  EXPECT_EQ(count(cells, "<td class=\"v-admitted\""), 1u);
  EXPECT_CONTAINS(cells, "yes / no");  // declared, not observed
  // The context: the GPU and the command line.
  EXPECT_CONTAINS(page, "NVIDIA H200");
  EXPECT_CONTAINS(page, "cuDNN 9.8.0");
}

TEST(ReportHtml, EverythingFromTheReportIsEscapedAndNothingIsFetched) {
  const std::string page = report::render_html(all_sections());
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<b>not markup"), std::string::npos);
  EXPECT_CONTAINS(page, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more");
  EXPECT_CONTAINS(page, "&lt;b&gt;not markup&lt;/b&gt;");
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find(" src="), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  EXPECT_EQ(nesting_error(page), "");
}

TEST(ReportHtml, AMissingSectionIsOneLine) {
  json only_performance = read(kBenchmarks);
  const std::string page = report::render_html(only_performance);
  for (const char* section : {"conformance", "determinism", "accuracy"})
    EXPECT_CONTAINS(page, std::string("no ") + section + " section in this report");
  EXPECT_EQ(count(page, "data-plot="), 2u);
  EXPECT_EQ(nesting_error(page), "");

  const std::string empty = report::render_html(json::object());
  for (const char* section : report::kSections)
    EXPECT_CONTAINS(empty, std::string("no ") + section + " section in this report");
  EXPECT_EQ(count(empty, "data-plot="), 0u);
  EXPECT_EQ(nesting_error(empty), "");
}

// Every value of the report replaced, one at a time, by values of other
// types: the page is still written, whole, and never throws. Of the
// records, those of each kind: the first two of a section; of the
// benchmarks, an iteration, a mean, a median and a refused one.
TEST(ReportHtml, AnyFieldOfAnyTypeNeverThrows) {
  const json doc = all_sections();
  const std::vector<json> odd = {nullptr, "x", "nan", -1, 1e300, json::array(), json::object(), true};
  const std::regex record("^/([a-z]+)/records/([0-9]+)/");
  size_t renders = 0;
  const json flat = doc.flatten();
  for (const auto& [pointer, value] : flat.items()) {
    std::smatch m;
    if (std::regex_search(pointer, m, record)) {
      const int index = std::stoi(m[2]);
      const bool kept = m[1] == "performance" ? (index == 0 || index == 3 || index == 4 || index == 26) : index < 2;
      if (!kept) continue;
    }
    for (const json& v : odd) {
      json changed = doc;
      changed[json::json_pointer(pointer)] = v;
      std::string page;
      ASSERT_NO_THROW(page = report::render_html(changed)) << pointer << " = " << v.dump();
      ASSERT_EQ(nesting_error(page), "") << pointer << " = " << v.dump();
      ++renders;
    }
  }
  // Whole sections and their records of the wrong type.
  for (const char* section : report::kSections)
    for (const json& v : odd) {
      json changed = doc;
      changed[section] = v;
      EXPECT_NO_THROW(report::render_html(changed)) << section;
      changed[section] = {{"records", v}};
      EXPECT_NO_THROW(report::render_html(changed)) << section;
    }
  EXPECT_GT(renders, 500u);
  EXPECT_NO_THROW(report::render_html(json::array()));
  EXPECT_NO_THROW(report::render_html(json("a string")));
}

class ReportHtmlCli : public testing::Cli {};

TEST_F(ReportHtmlCli, WritesThePageOfTheJoinedReports) {
  const std::string page = path("page.html");
  const testing::Outcome r = convt({"report", "html", "--from", kSections, "--from", kBenchmarks, "--output", page});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "wrote " + page + " (3 plots)");
  EXPECT_EQ(testing::read_file(page), report::render_html(all_sections()));
  for (const auto& entry : fs::directory_iterator(dir_))
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path() << " is left behind";
}

TEST_F(ReportHtmlCli, PlotsARealBenchmarkRun) {
  const std::string bench = path("bench.json");
  const testing::Outcome b = convt({"bench", "--problem", "mb1ic8ih5oc8kh3sh2ph1", "--backend", "cpu,reference",
                                    "--threads", "1", "--benchmark_min_time=0.001", "--report", bench});
  ASSERT_EQ(b.code, 0) << b.err;
  const std::string page = path("page.html");
  const testing::Outcome r =
      convt({"report", "html", "--from", bench, "--from", kSections, "--output", page, "--baseline", "reference"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = testing::read_file(page);
  EXPECT_EQ(count(plot(html, "gflops"), "class=\"bar\""), 2u);
  EXPECT_EQ(count(plot(html, "gflops"), "class=\"peak\""), 1u);  // convt bench measures the peak
  EXPECT_EQ(count(plot(html, "speedup"), "class=\"bar\""), 1u);
  EXPECT_CONTAINS(plot(html, "speedup"), "cpu: geomean");
  EXPECT_EQ(count(html, "data-plot="), 3u);
}

TEST_F(ReportHtmlCli, BadInputExitsTwoAndLeavesThePageAlone) {
  const std::string page = path("page.html");
  {
    std::ofstream(page) << "the earlier page";
    std::ofstream(path("garbage.json")) << "{ not json";
    std::ofstream(path("old_check.json")) << R"({"tool": "convt", "command": "check", "cases": []})";
  }
  expect_bad_input({"report", "html", "--from", path("nosuch.json"), "--output", page}, "nosuch.json");
  expect_bad_input({"report", "html", "--from", path("garbage.json"), "--output", page}, "not a JSON object");
  expect_bad_input({"report", "html", "--from", path("old_check.json"), "--output", page}, "neither a convt report");
  expect_bad_input({"report", "html", "--from", kSections, "--from", kSections, "--output", page},
                   "two reports hold the same");
  expect_bad_input({"report", "html", "--from", kBenchmarks, "--output", page, "--baseline", "nosuch"},
                   "--baseline nosuch: no such backend in the performance records (cpu, onednn, onednn-nchw)");
  expect_bad_input({"report", "html", "--from", kSections, "--output", page, "--baseline", "cpu"},
                   "no performance measurements");
  expect_bad_input({"report", "html", "--output", page}, "--from");
  EXPECT_EQ(testing::read_file(page), "the earlier page");
  expect_bad_input({"report", "html", "--from", kSections, "--output", path("no/such/dir/page.html")},
                   "no/such/dir/page.html: cannot write it");
}

// Chromium, where installed (Debian's chromium): its DOM holds every
// plot's elements, and its screenshot of the page is no blank.
TEST_F(ReportHtmlCli, ChromiumRendersEveryPlot) {
  if (shell("command -v chromium").code != 0) GTEST_SKIP() << "chromium is not installed";
  const std::string page = path("page.html");
  ASSERT_EQ(convt({"report", "html", "--from", kSections, "--from", kBenchmarks, "--output", page}).code, 0);
  const std::string html = testing::read_file(page);
  const std::string chromium =
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir=" + testing::quote(path("profile")) +
      " ";
  const testing::Outcome dom = shell(chromium + "--dump-dom " + testing::quote("file://" + page));
  ASSERT_EQ(dom.code, 0) << dom.err;
  EXPECT_EQ(count(dom.out, "<svg"), 3u);
  for (const char* plot_name : {"gflops", "speedup", "accuracy"})
    EXPECT_CONTAINS(dom.out, std::string("data-plot=\"") + plot_name + "\"");
  for (const char* element : {"class=\"bar\"", "class=\"point\"", "class=\"peak\"", "class=\"bound\""}) {
    EXPECT_GT(count(html, element), 0u) << element;
    EXPECT_EQ(count(dom.out, element), count(html, element)) << element;
  }

  const std::string png = path("page.png");
  const testing::Outcome shot = shell(chromium + "--screenshot=" + testing::quote(png) + " --window-size=1280,2400 " +
                                      testing::quote("file://" + page));
  ASSERT_EQ(shot.code, 0) << shot.err;
  const std::string image = testing::read_file(png);
  ASSERT_GT(image.size(), 24u);
  EXPECT_EQ(image.substr(1, 3), "PNG");
  auto be32 = [&](size_t at) {
    return (uint32_t(uint8_t(image[at])) << 24) | (uint32_t(uint8_t(image[at + 1])) << 16) |
           (uint32_t(uint8_t(image[at + 2])) << 8) | uint32_t(uint8_t(image[at + 3]));
  };
  EXPECT_EQ(be32(16), 1280u);  // IHDR: width, height
  EXPECT_EQ(be32(20), 2400u);
  EXPECT_GT(image.size(), 50000u) << "a blank page compresses to a few kilobytes";
}

}  // namespace
}  // namespace convt
