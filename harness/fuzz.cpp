#include "harness/fuzz.h"

#include <rapidcheck.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "harness/file_contents.h"
#include "reference/descriptor.h"

namespace convt {
namespace {

using Clock = std::chrono::steady_clock;

// The largest padding that keeps an axis's output non-empty.
int64_t max_padding(int64_t in, int64_t kernel, int64_t stride, int64_t dil, int64_t out_pad) {
  return ((in - 1) * stride + dil * (kernel - 1) + out_pad) / 2;
}

bool fits(const Problem& p, int64_t max_elements) {
  return p.input_elements() <= max_elements && p.weight_elements() <= max_elements &&
         p.output_elements() <= max_elements;
}

// Shrinks the problem until every tensor fits: the batch first, then the
// larger spatial size, then the larger kernel size, channels last (a pure
// function of the drawn problem, so RapidCheck's shrinking stays
// meaningful); then clamps the padding back into the legal range.
Problem fit(Problem p, int64_t max_elements) {
  while (!fits(p, max_elements)) {
    const int64_t cig = p.c_in_per_group(), cog = p.c_out_per_group();
    if (p.n > 1) {
      p.n /= 2;
    } else if (std::max(p.h_in, p.w_in) > 1) {
      (p.h_in >= p.w_in ? p.h_in : p.w_in) /= 2;
    } else if (std::max(p.kernel.h, p.kernel.w) > 1) {
      (p.kernel.h >= p.kernel.w ? p.kernel.h : p.kernel.w) /= 2;
    } else if (std::max(cig, cog) > 1) {
      (cig >= cog ? p.c_in : p.c_out) = p.groups * (std::max(cig, cog) / 2);
    } else if (p.groups > 1) {
      p.groups /= 2;
      p.c_in = p.c_out = p.groups;
    } else {
      break;  // a 1x1 problem fits any limit that allows an output at all
    }
  }
  p.padding.h = std::min(p.padding.h, max_padding(p.h_in, p.kernel.h, p.stride.h, p.dilation.h, p.output_padding.h));
  p.padding.w = std::min(p.padding.w, max_padding(p.w_in, p.kernel.w, p.stride.w, p.dilation.w, p.output_padding.w));
  return p;
}

// A weighted choice that, unlike rc::gen::weightedElement, shrinks: toward
// the first choice, so lists start with the simplest value.
template <class T>
T weighted(std::initializer_list<std::pair<int, T>> choices) {
  int total = 0;
  for (const auto& choice : choices) total += choice.first;
  int r = *rc::gen::inRange(0, total);
  for (const auto& [weight, value] : choices) {
    if (r < weight) return value;
    r -= weight;
  }
  return choices.begin()->second;
}

template <class T>
T one_of(const std::vector<T>& values) {
  return values[size_t(*rc::gen::inRange<size_t>(0, values.size()))];
}

const std::vector<int64_t> kBlockEdges = {7, 8, 9, 15, 16, 17, 31, 32, 33};

// Channel counts per group: mostly small, sometimes on either side of a
// vector width or channel block.
int64_t channels() {
  return weighted<int>({{6, 0}, {1, 1}}) == 0 ? *rc::gen::inRange<int64_t>(1, 9) : one_of(kBlockEdges);
}

// Widths: mostly small, sometimes on either side of 8, 16, 32.
int64_t width() {
  return weighted<int>({{3, 0}, {1, 1}}) == 0 ? *rc::gen::inRange<int64_t>(1, 13) : one_of(kBlockEdges);
}

void draw_parameters(Problem& p) {
  p.kernel.h = *rc::gen::inRange<int64_t>(1, 7);
  p.kernel.w = *rc::gen::inRange<int64_t>(1, 7);
  p.stride.h = *rc::gen::inRange<int64_t>(1, 5);
  p.stride.w = *rc::gen::inRange<int64_t>(1, 5);
  p.dilation.h = weighted<int64_t>({{6, 1}, {3, 2}, {1, 3}});
  p.dilation.w = weighted<int64_t>({{6, 1}, {3, 2}, {1, 3}});
  p.output_padding.h = *rc::gen::inRange<int64_t>(0, std::max(p.stride.h, p.dilation.h));
  p.output_padding.w = *rc::gen::inRange<int64_t>(0, std::max(p.stride.w, p.dilation.w));
  p.padding.h = *rc::gen::inRange<int64_t>(
      0, max_padding(p.h_in, p.kernel.h, p.stride.h, p.dilation.h, p.output_padding.h) + 1);
  p.padding.w = *rc::gen::inRange<int64_t>(
      0, max_padding(p.w_in, p.kernel.w, p.stride.w, p.dilation.w, p.output_padding.w) + 1);
  p.bias = *rc::gen::arbitrary<bool>();
}

rc::Gen<Problem> random_problem(int64_t max_elements) {
  return rc::gen::exec([max_elements] {
    Problem p;
    p.n = weighted<int64_t>({{8, 1}, {1, 0}, {6, 2}, {3, 3}});
    // Grouping: plain, grouped, depthwise, or depthwise with a channel multiplier.
    const int kind = weighted<int>({{4, 0}, {3, 1}, {2, 2}, {1, 3}});
    p.groups = kind == 0 ? 1 : *rc::gen::inRange<int64_t>(2, kind == 1 ? 5 : 18);
    const int64_t cig = kind >= 2 ? 1 : channels();
    const int64_t cog = kind == 2 ? 1 : kind == 3 ? *rc::gen::inRange<int64_t>(2, 5) : channels();
    p.c_in = p.groups * cig;
    p.c_out = p.groups * cog;
    p.h_in = *rc::gen::inRange<int64_t>(1, 11);
    p.w_in = width();
    draw_parameters(p);
    return fit(p, max_elements);
  });
}

// A value near `v`: usually the same, sometimes one or two away, never below `low`.
int64_t near(int64_t v, int64_t low) {
  return std::max(low, v + weighted<int64_t>({{4, 0}, {1, -1}, {1, 1}, {1, 2}}));
}

rc::Gen<Problem> problem_around(std::vector<Problem> bases, int64_t max_elements) {
  return rc::gen::exec([bases, max_elements] {
    const Problem base = bases.size() == 1 ? bases.front() : one_of(bases);
    Problem p = base;
    p.n = near(base.n, 0);
    p.c_in = base.groups * near(base.c_in_per_group(), 1);
    p.c_out = base.groups * near(base.c_out_per_group(), 1);
    p.h_in = near(base.h_in, 1);
    p.w_in = near(base.w_in, 1);
    p.kernel = {near(base.kernel.h, 1), near(base.kernel.w, 1)};
    p.stride = {near(base.stride.h, 1), near(base.stride.w, 1)};
    p.dilation = {near(base.dilation.h, 1), near(base.dilation.w, 1)};
    p.output_padding.h = std::min(near(base.output_padding.h, 0), std::max(p.stride.h, p.dilation.h) - 1);
    p.output_padding.w = std::min(near(base.output_padding.w, 0), std::max(p.stride.w, p.dilation.w) - 1);
    p.padding = {near(base.padding.h, 0), near(base.padding.w, 0)};
    p.bias = weighted<bool>({{4, base.bias}, {1, !base.bias}});
    return fit(p, max_elements);
  });
}

// RapidCheck announces its global configuration on stderr the first time it
// is read; convt passes every parameter explicitly, so it reads it silently.
void load_rapidcheck_configuration_quietly() {
  std::ostringstream sink;
  std::streambuf* const stderr_buffer = std::cerr.rdbuf(sink.rdbuf());
  rc::detail::configuration();
  std::cerr.rdbuf(stderr_buffer);
}

}  // namespace

FuzzOutcome fuzz(NamedBackend& backend, const FuzzOptions& options) {
  int64_t max_elements = options.max_elements;
  for (const Problem& base : options.around)
    max_elements = std::max({max_elements, 4 * base.input_elements(), 4 * base.weight_elements(),
                             4 * base.output_elements()});
  const rc::Gen<Problem> problems =
      rc::gen::resize(100, options.around.empty() ? random_problem(max_elements)
                                                  : problem_around(options.around, max_elements));

  load_rapidcheck_configuration_quietly();
  FuzzOutcome outcome;
  const Clock::time_point start = Clock::now();
  const auto out_of_time = [&] {
    return options.seconds > 0 &&
           std::chrono::duration<double>(Clock::now() - start).count() >= options.seconds;
  };
  const auto enough = [&] { return (options.cases > 0 && outcome.cases >= options.cases) || out_of_time(); };
  bool failing = false;  // once a case failed, RapidCheck is shrinking it

  const auto property = [&] {
    Problem p = *problems;
    if (validate(p)) RC_DISCARD("not a legal problem");  // cannot happen; kept as a guard
    const DataMode mode = one_of(options.data);
    const uint64_t seed = *rc::gen::inRange<uint64_t>(0, 1u << 20);
    if (!failing && enough()) return;  // the batch's remaining cases pass untried
    const CaseSpec spec{p, mode, seed, options.repeat};
    CaseResult result = run_case_with(*backend.backend, spec, options.isolation);
    if (!failing) ++outcome.cases;
    if (!failing && result.verdict == Verdict::skipped && outcome.skipped++ == 0) outcome.skip_reason = result.reason;
    if (result.verdict == Verdict::failed) {
      failing = true;
      const std::string reason = result.reason;
      outcome.counterexample = Counterexample{spec, std::move(result)};
      RC_FAIL(reason);
    }
  };

  constexpr int kBatch = 256;  // RapidCheck runs (and seeds) the cases in batches
  for (uint64_t batch = 0; !enough() && !failing; ++batch) {
    rc::detail::TestParams params;
    params.seed = mix(options.seed + mix(batch));
    params.maxSuccess = kBatch;
    params.maxSize = 100;
    params.maxDiscardRatio = 10;
    rc::detail::checkProperty(rc::detail::toProperty(property), rc::detail::TestMetadata{}, params);
    if (options.cases == 0 && options.seconds == 0) break;
  }
  outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return outcome;
}

Result<std::string> counterexample_path(const std::string& target, const std::string& backend, uint64_t seed) {
  namespace fs = std::filesystem;
  const bool file = fs::path(target).extension() == ".json";
  std::string safe_name = backend;
  const auto unsafe = [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)) && ch != '-'; };
  std::replace_if(safe_name.begin(), safe_name.end(), unsafe, '_');
  const std::string name = "counterexample-" + safe_name + "-seed" + std::to_string(seed) + ".json";
  const fs::path path = file ? fs::path(target) : fs::path(target) / name;
  std::error_code ec;
  if (const fs::path dir = path.parent_path(); !dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec) return Error{dir.string() + ": cannot create directory: " + ec.message()};
  }
  if (auto e = check_can_write(path.string())) return *e;
  return path.string();
}

Result<std::string> save_counterexample(const std::string& target, const NamedBackend& backend,
                                        const FuzzOptions& options, const Counterexample& c) {
  Result<std::string> where = counterexample_path(target, backend.name, options.seed);
  if (!where) return where.error();
  const std::string& path = *where;
  const std::string descriptor = format_descriptor(c.spec.problem);
  const nlohmann::json suite = {
      {"name", "counterexample"},
      {"description", "Found by convt fuzz --seed " + std::to_string(options.seed) + " on " + backend.name +
                          ": " + c.result.reason + ". Replay: " + replay_command(path, backend, c.spec.repeat)},
      {"problems",
       {{{"descriptor", descriptor},
         {"name", "counterexample"},
         {"source", "convt fuzz --seed " + std::to_string(options.seed)},
         {"data", data_mode_name(c.spec.data)},
         {"seed", c.spec.seed}}}}};
  std::ofstream out(path);
  if (!out) return Error{path + ": cannot open for writing"};
  out << suite.dump(2) << '\n';
  if (!out) return Error{path + ": write failed"};
  return path;
}

}  // namespace convt
