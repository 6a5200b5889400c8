// The page of convt report html (harness/report/html.h): its style, the
// header with the run's context, the contents with the plots' counts, and
// the sections in order, each from its plots (plots.h) and tables
// (html_sections.h).
#include "harness/report/html.h"

#include <string_view>

#include "harness/report/html_sections.h"
#include "harness/report/html_text.h"
#include "harness/report/performance_table.h"
#include "harness/report/plots.h"
#include "harness/report/svg.h"

namespace convt::report {

namespace {

using nlohmann::json;
using namespace html;

// The page's only style: inline, no fonts or images to fetch.
constexpr std::string_view kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#222}
body{max-width:1000px;margin:20px auto;padding:0 16px}
h1{font-size:24px;margin:0 0 2px}
h2{font-size:19px;margin:34px 0 8px;padding-bottom:4px;border-bottom:1px solid #ddd}
h3{font-size:15px;margin:20px 0 4px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border:1px solid #dcdfe4;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f6;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
tr.repro td{background:#fafafa;word-break:break-all}
.note{color:#666}
.small{font-size:11px;color:#555}
.warn{background:#fff4e5;border:1px solid #f0c36d;padding:6px 10px}
.missing-section{color:#666;font-style:italic}
.v-passed{background:#e3f4e1}
.v-failed{background:#fbdcdc}
.v-mistrusted,.v-admitted{background:#fdefd3}
.v-skipped{background:#eeeeee;color:#555}
.v-error{background:#eadcf3}
.backend{white-space:nowrap}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
table.context th{width:170px}
table.matrix td{white-space:nowrap}
nav ul{margin:4px 0;padding-left:20px}
svg.plot{display:block;margin:6px 0 4px}
svg.plot text{font-family:system-ui,"DejaVu Sans",sans-serif;font-size:12px;fill:#333}
svg.plot text.layer{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:11px}
svg.plot text.tick{font-size:11px;fill:#555}
svg.plot text.value{font-size:9.5px;fill:#555}
svg.plot text.missing{font-size:9.5px;fill:#b03030;font-style:italic}
svg.plot text.axis-title{font-size:12px;fill:#222}
svg.plot text.peak-label,svg.plot text.bound-label{fill:#c0392b;font-weight:600}
svg.plot .band{fill:#f6f7f9}
svg.plot .grid{stroke:#e1e3e8;stroke-width:1}
svg.plot .frame{fill:none;stroke:#bbb}
svg.plot .band-line{stroke:#ccc;stroke-dasharray:2 3}
svg.plot .peak,svg.plot .bound{stroke:#c0392b;stroke-width:1.6;stroke-dasharray:6 4}
svg.plot .one{stroke:#333;stroke-width:1.4}
)";

size_t count(std::string_view haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

std::string missing(std::string_view section) {
  return "<p class=\"missing-section\">no " + std::string(section) + " section in this report</p>\n";
}

std::string row(std::string_view label, const std::string& value_html) {
  if (value_html.empty()) return "";
  return "<tr>" + tag("th", escape(label)) + tag("td", value_html) + "</tr>\n";
}

// The context table: where and how the report was made.
std::string context_table(const json& c, const json& bench, const PerformanceTable& perf) {
  std::string html = "<table class=\"context\">\n";
  html += row("date", escape(text(c, "date")));
  html += row("host", escape(text(c, "host")));
  std::string cpu = text(c, "cpu_model");
  if (!text(c, "cores").empty()) cpu += " (" + text(c, "cores") + " cores)";
  html += row("CPU", escape(cpu));
  const json& peak = member(c, "peak");
  if (const std::optional<double> per_core = number(peak, "gflops_per_core"))
    html += row("peak per core", escape(format_number(*per_core) + " GFLOP/s (" + text(peak, "isa", "?") + ")"));
  if (perf.peak_gflops)
    html += row("benchmark peak", escape(format_number(*perf.peak_gflops) + " GFLOP/s: " + perf.peak_note));
  const json& gpu = member(c, "gpu");
  if (gpu.is_object() && !gpu.empty()) {
    std::string g = text(gpu, "gpu", "?");
    for (const char* key : {"gpu_sm", "gpu_clocks", "gpu_memory"})
      if (!text(gpu, key).empty()) g += ", " + text(gpu, key);
    html += row("GPU", escape(g));
    std::string software;
    for (const auto& [key, label] :
         {std::pair{"cuda_driver", "driver "}, {"cuda_runtime", "CUDA runtime "}, {"cudnn", "cuDNN "}})
      if (!text(gpu, key).empty()) software += (software.empty() ? "" : ", ") + std::string(label) + text(gpu, key);
    html += row("GPU software", escape(software));
  }
  std::string convt = text(c, "convt_version");
  if (!text(c, "commit").empty()) convt += " (" + text(c, "commit") + ")";
  html += row("convt", escape(convt));
  html += row("compiler", escape(text(c, "compiler")));
  const std::string command = text(c, "command_line");
  if (!command.empty()) html += row("command line", tag("code", escape(command)));
  std::string seeds;
  for (const json& s : array(c, "seeds")) seeds += (seeds.empty() ? "" : ", ") + scalar_text(s);
  html += row("seeds", escape(seeds));
  const json& shard = member(c, "shard");
  if (number(shard, "count").value_or(1) > 1)
    html += row("shard", escape(text(shard, "index") + " of " + text(shard, "count")));
  if (bench.is_object()) {
    std::string b;
    for (const auto& [key, label] : {std::pair{"threads", "threads "},
                                     {"executable", ""},
                                     {"library_build_type", "Google Benchmark library: "},
                                     {"date", "at "}})
      if (!text(bench, key).empty()) b += (b.empty() ? "" : "; ") + std::string(label) + text(bench, key);
    html += row("benchmarks", escape(b));
  }
  return html + "</table>\n";
}

// The numbers behind the performance plots, folded away.
std::string performance_numbers(const PerformanceTable& t, Palette& palette) {
  std::string html =
      "<details><summary>The numbers: GFLOP/s and milliseconds per run</summary>\n<table>\n<tr>" + tag("th", "layer");
  for (const std::string& b : t.backends) html += tag("th", backend_name(b, palette), "colspan=\"2\"");
  html += "</tr>\n";
  for (size_t l = 0; l < t.layers.size(); ++l) {
    html += "<tr>" + tag("td", tag("code", escape(t.layers[l])));
    for (size_t b = 0; b < t.backends.size(); ++b) {
      const Measurement* m = t.at(l, b);
      if (m == nullptr) {
        const auto f = t.failures.find({l, b});
        html += tag("td", f == t.failures.end() ? "" : escape(f->second), "colspan=\"2\" class=\"note\"");
        continue;
      }
      html +=
          tag("td", m->gflops ? format_number(*m->gflops) : "-", "class=\"num\"") +
          tag("td", format_number(m->seconds * 1e3) + " ms", "class=\"num\" title=\"" + escape(m->statistic) + "\"");
    }
    html += "</tr>\n";
  }
  return html + "</table>\n</details>\n";
}

std::string performance_section(const json& report, const HtmlOptions& options, const PerformanceTable& t,
                                Palette& palette) {
  if (t.cells.empty())
    return "<p>The performance section holds no measurement" +
           std::string(t.failures.empty() ? "" : " (every benchmark failed or was unsupported)") + ".</p>\n";
  std::string html = "<h3>GFLOP/s per layer and backend</h3>\n";
  const json& bench = member(member(report, "performance"), "context");
  const std::string flops = text(bench, "flops");
  html +=
      "<p class=\"note\">Each bar: a benchmark's GFLOP/s, the median of its repetitions when repeated, "
      "else their mean" +
      std::string(flops.empty() ? "" : " (" + escape(flops) + ")") + ". Point at a bar for its time.</p>\n";
  html += gflops_plot(t, palette);
  if (t.peak_gflops)
    html += "<p class=\"note\">The dashed line: the machine's peak, " + escape(format_number(*t.peak_gflops)) +
            " GFLOP/s (" + escape(t.peak_note) + ").</p>\n";
  else
    html += "<p class=\"note\">The report holds no peak for this machine.</p>\n";
  if (!t.failures.empty())
    html += "<p class=\"note\">" + std::to_string(t.failures.size()) +
            (t.failures.size() == 1 ? " benchmark" : " benchmarks") +
            " ran nothing (failed or unsupported): the table below says why.</p>\n";

  html += "<h3>Speedup against the peers</h3>\n";
  size_t baseline = 0;
  if (!options.baseline.empty()) {
    if (const std::optional<size_t> b = t.backend_index(options.baseline))
      baseline = *b;
    else
      html += "<p class=\"warn\">No backend " + escape(options.baseline) +
              " in the performance records: the baseline is " + escape(t.backends[0]) + ".</p>\n";
  }
  const std::string speedup = speedup_plot(t, baseline, palette);
  if (speedup.empty()) {
    html += "<p>One backend only: nothing to compare.</p>\n";
  } else {
    html += "<p class=\"note\">Each bar: " + escape(t.backends[baseline]) +
            "'s time divided by the backend's on the same layer (the baseline is the first backend of the "
            "records unless <code>--baseline</code> names another); the legend has the geometric mean over the "
            "layers both ran.</p>\n" +
            speedup;
  }
  return html + performance_numbers(t, palette);
}

}  // namespace

std::vector<std::string> performance_backends(const json& report) {
  return performance_table(member(report, "performance"), member(report, "context")).backends;
}

std::string render_html(const json& report) { return render_html(report, HtmlOptions{}); }

std::string render_html(const json& report, const HtmlOptions& options) {
  Palette palette;
  const json& context = member(report, "context");
  const PerformanceTable perf = performance_table(member(report, "performance"), context);
  // The sections' bodies first, so that the contents can count their plots.
  struct Part {
    const char* id;
    const char* title;
    std::string body;
  };
  std::vector<Part> parts;
  for (const auto& [id, heading] : {std::pair{"conformance", "Conformance"},
                                    {"performance", "Performance"},
                                    {"accuracy", "Accuracy"},
                                    {"determinism", "Determinism"}}) {
    const json& section = member(report, id);
    Part part{id, heading, ""};
    if (!section.is_object()) {
      part.body = missing(id);
    } else if (std::string_view(id) == "conformance") {
      part.body = conformance_tables(section, palette);
    } else if (std::string_view(id) == "performance") {
      part.body = performance_section(report, options, perf, palette);
    } else if (std::string_view(id) == "accuracy") {
      const std::string plot = accuracy_plot(section, palette);
      part.body = plot.empty() ? "<p>The accuracy section holds no record with a K to plot.</p>\n"
                               : "<h3>Error / bound against K</h3>\n<p class=\"note\">Each point: one record's "
                                 "largest |error| against the oracle divided by its bound (at or under the red "
                                 "line passes). TF32 backends show two: against the strict float32 bound "
                                 "(filled) and against the TF32 bound they declare (hollow).</p>\n" +
                                     plot;
      part.body += accuracy_tables(section, palette);
    } else {
      part.body = determinism_tables(section, palette);
    }
    parts.push_back(std::move(part));
  }

  std::string all;
  for (const Part& p : parts) all += p.body;
  const std::string title = "convt report" + (text(context, "host").empty() ? "" : ": " + text(context, "host"));
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title) +
                     "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  page += "<h1>" + escape(title) + "</h1>\n<p class=\"note\">" +
          escape(text(context, "date") +
                 (text(context, "convt_version").empty() ? "" : ", convt " + text(context, "convt_version"))) +
          "</p>\n";
  if (flag(report, "partial").value_or(false))
    page += "<p class=\"warn\">A partial report: the run was interrupted, so some records are missing.</p>\n";
  page += context_table(context, member(member(report, "performance"), "context"), perf);

  const size_t plots = count(all, "<svg class=\"plot\"");
  page += "<nav><b>Contents</b>: " + std::to_string(plots) + (plots == 1 ? " plot" : " plots") + "<ul>\n";
  for (const Part& p : parts) {
    std::string what = member(report, p.id).is_object()
                           ? std::to_string(array(member(report, p.id), "records").size()) + " records"
                           : "absent";
    for (const char* plot : {"gflops", "speedup", "accuracy"}) {
      const size_t at = p.body.find("data-plot=\"" + std::string(plot) + "\"");
      if (at == std::string::npos) continue;
      const std::string_view svg = std::string_view(p.body).substr(at, p.body.find("</svg>", at) - at);
      const size_t bars = count(svg, "class=\"bar\""), points = count(svg, "class=\"point\"");
      what +=
          "; plot " + std::string(plot) + ": " + std::to_string(bars ? bars : points) + (bars ? " bars" : " points");
    }
    page += "<li><a href=\"#" + std::string(p.id) + "\">" + p.title + "</a> (" + escape(what) + ")</li>\n";
  }
  page += "</ul></nav>\n";
  for (const Part& p : parts)
    page += "<section id=\"" + std::string(p.id) + "\">\n<h2>" + p.title + "</h2>\n" + p.body + "</section>\n";
  page += "<footer class=\"note\"><p>Written by convt report html from a schema_version " +
          escape(text(report, "schema_version", "?")) + " report.</p></footer>\n</body>\n</html>\n";
  return page;
}

}  // namespace convt::report
