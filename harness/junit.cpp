#include "harness/junit.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "reference/descriptor.h"

namespace convt {
namespace {

// The length of the valid UTF-8 sequence at text[i], or 0 when it is not one.
size_t utf8_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t n;
  uint32_t cp;
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) n = 2, cp = lead & 0x1f;
  else if (lead >= 0xe0 && lead <= 0xef) n = 3, cp = lead & 0x0f;
  else if (lead >= 0xf0 && lead <= 0xf4) n = 4, cp = lead & 0x07;
  else return 0;
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  const bool not_a_character = (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || cp == 0xfffe || cp == 0xffff;
  return overlong || not_a_character ? 0 : n;
}

std::string attribute(const char* name, std::string_view value) {
  return std::string(" ") + name + "=\"" + xml_escape(value, true) + "\"";
}

std::string seconds_text(double s) {
  std::ostringstream out;
  out.precision(6);
  out << std::fixed << (s > 0 ? s : 0.0);
  return out.str();
}

}  // namespace

std::string xml_escape(std::string_view text, bool in_attribute) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      // Attribute values would have a parser read these as spaces.
      case '\n': out += in_attribute ? "&#10;" : "\n"; break;
      case '\t': out += in_attribute ? "&#9;" : "\t"; break;
      case '\r': out += "&#13;"; break;
      default: {
        const size_t n = utf8_length(text, i);
        if (n == 0 || static_cast<unsigned char>(c) < 0x20) {
          out += '?';
          ++i;
        } else {
          out.append(text.substr(i, n));
          i += n;
        }
        continue;
      }
    }
    ++i;
  }
  return out;
}

JUnitCase junit_case(const CheckRecord& r) {
  JUnitCase c;
  c.classname = r.backend;
  c.name = (r.entry.name.empty() ? "" : r.entry.name + " ") + format_descriptor(r.spec.problem) + " / " +
           data_mode_name(r.spec.data);
  c.seconds = r.result.prepare_seconds + r.result.run_seconds;
  switch (r.result.verdict) {
    case Verdict::passed: break;
    case Verdict::mistrusted: c.output = "mistrusted: " + r.result.reason; break;
    case Verdict::skipped:
      c.outcome = JUnitCase::Outcome::skipped;
      c.message = r.result.reason;
      break;
    case Verdict::failed:
      c.outcome = JUnitCase::Outcome::failed;
      c.message = r.result.reason;
      c.details = describe(r);
      break;
  }
  return c;
}

JUnitCase junit_fuzz_case(const NamedBackend& backend, const FuzzOptions& options, const FuzzOutcome& outcome) {
  JUnitCase c;
  if (outcome.counterexample) {
    CheckRecord record;
    record.entry.name = "counterexample";
    record.backend = backend.name;
    record.spec = outcome.counterexample->spec;
    record.result = outcome.counterexample->result;
    record.repro = repro_command(backend, record.spec);
    c = junit_case(record);
    c.message = "counterexample " + format_descriptor(record.spec.problem) + " data " +
                data_mode_name(record.spec.data) + " seed " + std::to_string(record.spec.seed) + ": " + c.message;
  } else {
    c.classname = backend.name;
    c.output = std::to_string(outcome.cases) + " cases, no counterexample";
  }
  c.name = "fuzz seed " + std::to_string(options.seed) +
           (options.around.empty()      ? std::string()
            : options.around.size() == 1 ? " around " + format_descriptor(options.around[0])
                                         : " around " + std::to_string(options.around.size()) + " problems");
  c.seconds = outcome.seconds;
  return c;
}

std::string junit_xml(const std::string& suite, const std::vector<JUnitCase>& cases) {
  size_t failures = 0, skipped = 0;
  double seconds = 0;
  for (const JUnitCase& c : cases) {
    failures += c.outcome == JUnitCase::Outcome::failed;
    skipped += c.outcome == JUnitCase::Outcome::skipped;
    seconds += c.seconds;
  }
  const std::string counts = attribute("tests", std::to_string(cases.size())) +
                             attribute("failures", std::to_string(failures)) + attribute("errors", "0") +
                             attribute("skipped", std::to_string(skipped)) + attribute("time", seconds_text(seconds));
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites" + attribute("name", "convt") + counts + ">\n";
  xml += "  <testsuite" + attribute("name", suite) + counts + ">\n";
  for (const JUnitCase& c : cases) {
    xml += "    <testcase" + attribute("classname", c.classname) + attribute("name", c.name) +
           attribute("time", seconds_text(c.seconds));
    if (c.outcome == JUnitCase::Outcome::passed && c.output.empty()) {
      xml += "/>\n";
      continue;
    }
    xml += ">\n";
    if (c.outcome == JUnitCase::Outcome::failed)
      xml += "      <failure" + attribute("message", c.message) + attribute("type", "failed") + ">" +
             xml_escape(c.details, false) + "</failure>\n";
    if (c.outcome == JUnitCase::Outcome::skipped) xml += "      <skipped" + attribute("message", c.message) + "/>\n";
    if (!c.output.empty()) xml += "      <system-out>" + xml_escape(c.output, false) + "</system-out>\n";
    xml += "    </testcase>\n";
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

std::optional<Error> write_junit(const std::string& path, const std::string& suite,
                                 const std::vector<JUnitCase>& cases) {
  std::ofstream out(path);
  if (!out) return Error{path + ": cannot open for writing: " + std::strerror(errno)};
  out << junit_xml(suite, cases);
  if (!out.flush()) return Error{path + ": write failed"};
  return std::nullopt;
}

}  // namespace convt
