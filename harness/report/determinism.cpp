// The determinism measurement and its records (determinism.h): R runs of
// one backend on one problem, hashed and compared in units of the error
// bound, the thread counts of a built-in CPU backend, and the verdict from
// what the backend declares against what was observed.
#include "harness/report/determinism.h"

#include <xxhash.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>

#include "harness/bound.h"
#include "harness/data.h"
#include "harness/guarded_output.h"
#include "reference/descriptor.h"

#ifdef CONVT_HAVE_CUDNN
#include "optimized/cudnn/deviceless_plan.h"
#endif

namespace convt::report {
namespace {

constexpr const char* kNondeterministicNote = "NONDETERMINISTIC";

bool same_bits(std::span<const float> a, std::span<const float> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size_bytes()) == 0);
}

// The engine of a `cudnn:<engine>` name, or nullopt for any other name.
std::optional<int64_t> cudnn_engine(const std::string& name) {
  constexpr std::string_view prefix = "cudnn:";
  if (!name.starts_with(prefix)) return std::nullopt;
  int64_t engine = -1;
  const char* begin = name.data() + prefix.size();
  const char* end = name.data() + name.size();
  const auto [stop, ec] = std::from_chars(begin, end, engine);
  if (ec != std::errc() || stop != end || engine < 0) return std::nullopt;
  return engine;
}

// Whether the registry lists the backend of that name as lacking its device
// on this machine (its cases skip with the reason).
bool lacks_device(const std::string& name) {
  for (const BackendEntry& e : backend_registry()) {
    const bool member = !e.family_prefix.empty() && name.starts_with(e.family_prefix) &&
                        name.size() > e.family_prefix.size();
    if (e.name == name || member) return e.device_missing;
  }
  return false;
}

// The declaration as the backend makes it: a plugin through its library, a
// cuDNN backend (prepared on a GPU) through its engine's notes.
void declare_from_backend(const NamedBackend& b, bool prepared, DeterminismRecord& r) {
  r.declared_deterministic = b.backend->deterministic();
  if (!b.plugin_path.empty()) {
    r.declared_by = "plugin";
  } else if (prepared && b.device == "cuda" && b.name.starts_with("cudnn")) {
    r.declared_by = "cuDNN notes";
    r.declared_note = r.declared_deterministic ? "" : kNondeterministicNote;
  } else {
    r.declared_by = "backend";
  }
}

// The output of a fresh backend of that name with `threads` threads (one
// prepare, one run), or an error that names the thread count.
Result<GuardedOutput> run_with_threads(const NamedBackend& b, const Problem& p, const Tensors& t,
                                       const BackendOptions& base, int threads) {
  BackendOptions options = base;
  options.threads = threads;
  const std::string with = "with " + std::to_string(threads) + (threads == 1 ? " thread: " : " threads: ");
  Result<NamedBackend> made = make_backend(b.name, options);
  if (!made) return Error{with + made.error().message};
  Backend& backend = *made->backend;
  if (auto why = backend.unsupported(p)) return Error{with + "unsupported: " + *why};
  if (auto e = backend.prepare(p, t.w.data(), p.bias ? t.bias.data() : nullptr))
    return Error{with + "prepare failed: " + e->message};
  GuardedOutput y(p.output_elements());
  if (auto e = backend.run(t.x.data(), y.data())) return Error{with + "run failed: " + e->message};
  if (auto damage = y.damage()) return Error{with + *damage};
  return y;
}

std::string plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "0.0123", "inf": a difference in bound units, for a reason.
std::string format_units(double v) {
  if (!std::isfinite(v)) return "inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", v);
  return text;
}

// The verdict from the declaration, the runs and the thread check.
void judge(DeterminismRecord& r) {
  const std::string seen = plural(r.distinct_outputs, "distinct output", "distinct outputs") + " in " +
                           plural(r.runs, "run", "runs");
  if (!r.declared_deterministic) {
    r.verdict = DeterminismVerdict::admitted;
    r.reason = "declares itself nondeterministic (" + r.declared_by + "); " + seen;
  } else if (!r.observed_deterministic.value_or(true)) {
    r.verdict = DeterminismVerdict::failed;
    r.reason = seen + ", but it declares itself deterministic (" + r.declared_by + ")";
  } else if (r.threads && !r.threads->identical && r.threads->claimed) {
    r.verdict = DeterminismVerdict::failed;
    r.reason = seen + ", but the output with " + plural(r.threads->first_differing, "thread", "threads") +
               " differs from run 1's (by up to " + format_units(r.threads->max_difference_bound_units) +
               " bound units), and it declares itself deterministic (" + r.declared_by + ")";
  } else {
    r.verdict = DeterminismVerdict::passed;
    r.reason = seen;
    if (r.threads && r.threads->identical)
      r.reason += ", the same with 1 to " + std::to_string(r.threads->counts.size()) + " threads";
    else if (r.threads)
      r.reason += "; the output with " + plural(r.threads->first_differing, "thread", "threads") +
                  " differs (by up to " + format_units(r.threads->max_difference_bound_units) +
                  " bound units): it claims determinism for a fixed thread count only";
  }
}

// JSON has no Inf: "inf".
nlohmann::json units(double v) {
  if (std::isfinite(v)) return v;
  return "inf";
}

}  // namespace

const char* determinism_verdict_name(DeterminismVerdict v) {
  switch (v) {
    case DeterminismVerdict::passed: return "passed";
    case DeterminismVerdict::failed: return "failed";
    case DeterminismVerdict::admitted: return "admitted";
    case DeterminismVerdict::skipped: return "skipped";
    case DeterminismVerdict::error: return "error";
  }
  return "?";
}

std::string output_hash(std::span<const float> y) {
  const XXH64_hash_t h = XXH3_64bits(y.data(), y.size_bytes());
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

double max_difference_in_bound_units(std::span<const float> a, std::span<const float> b,
                                     std::span<const double> bound) {
  double worst = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(float)) == 0 || (std::isnan(a[i]) && std::isnan(b[i]))) continue;
    const double d = std::fabs(double(a[i]) - double(b[i]));
    if (d == 0) continue;  // +0 and -0
    if (!std::isfinite(d) || i >= bound.size() || bound[i] <= 0) return INFINITY;
    worst = std::max(worst, d / bound[i]);
  }
  return worst;
}

std::optional<std::string> DeterminismMeter::deviceless_note(const Problem& p, int64_t engine) {
#ifdef CONVT_HAVE_CUDNN
  if (options_.deviceless_gpu.empty()) return std::nullopt;
  if (planned_ != p) {
    planned_ = p;
    notes_.clear();
    const cudnn::EngineFilter filter{options_.backend.allow_tf32, options_.backend.deterministic};
    Result<std::vector<cudnn::EngineInfo>> engines = cudnn::list_engines(p, options_.deviceless_gpu, filter);
    if (engines)
      for (const cudnn::EngineInfo& e : *engines)
        if (!e.reason.starts_with("engine:"))  // the engine finalized: its notes are known
          notes_[e.engine] = e.noted(kNondeterministicNote) ? kNondeterministicNote : "";
  }
  if (auto found = notes_.find(engine); found != notes_.end()) return found->second;
#else
  (void)p, (void)engine;
#endif
  return std::nullopt;
}

DeterminismRecord DeterminismMeter::measure(NamedBackend& b, const Problem& p, std::array<int64_t, 2> order) {
  DeterminismRecord r;
  r.order = order;
  r.problem = p;
  r.backend = b.name;
  r.device = b.device;
  Backend& backend = *b.backend;
  if (auto why = backend.unsupported(p)) {
    declare_from_backend(b, false, r);
    if (const std::optional<int64_t> engine = cudnn_engine(b.name); engine && lacks_device(b.name))
      if (std::optional<std::string> note = deviceless_note(p, *engine)) {
        r.declared_deterministic = note->empty();
        r.declared_by = "cuDNN notes";
        r.declared_note = *note;
      }
    r.verdict = DeterminismVerdict::skipped;
    r.reason = *why;
    return r;
  }
  const Tensors t = make_tensors(p, DataMode::normal, options_.seed);
  const float* bias = p.bias ? t.bias.data() : nullptr;
  const auto error = [&](std::string reason) {
    r.verdict = DeterminismVerdict::error;
    r.reason = std::move(reason);
    return r;
  };
  if (auto e = backend.prepare(p, t.w.data(), bias)) {
    declare_from_backend(b, false, r);
    return error("prepare failed: " + e->message);
  }
  declare_from_backend(b, true, r);  // a cuDNN backend knows its engine's notes once prepared
  const ErrorBounds bounds = error_bounds(p, t.x.data(), t.w.data(), bias, backend.math());

  std::optional<GuardedOutput> first;
  std::set<std::string> distinct;
  for (int run = 1; run <= std::max(options_.runs, 1); ++run) {
    GuardedOutput y(p.output_elements());
    if (auto e = backend.run(t.x.data(), y.data())) return error("run " + std::to_string(run) + ": " + e->message);
    if (auto damage = y.damage()) return error("run " + std::to_string(run) + " " + *damage);
    r.hashes.push_back(output_hash(y.values()));
    distinct.insert(r.hashes.back());
    r.runs = run;
    r.distinct_outputs = int64_t(distinct.size());
    r.observed_deterministic = distinct.size() == 1;
    if (first)
      r.max_difference_bound_units =
          std::max(r.max_difference_bound_units, max_difference_in_bound_units(first->values(), y.values(), bounds.bound));
    else
      first.emplace(std::move(y));
  }

  const bool builtin_cpu = b.device == "cpu" && b.plugin_path.empty();
  if (builtin_cpu && options_.max_threads > 0) {
    ThreadCheck check;
    check.claimed = backend.same_bits_for_any_thread_count();
    for (int threads = 1; threads <= options_.max_threads; ++threads) {
      check.counts.push_back(threads);
      Result<GuardedOutput> y = run_with_threads(b, p, t, options_.backend, threads);
      if (!y) return error("thread check " + y.error().message);
      if (same_bits(y->values(), first->values())) continue;
      if (check.identical) check.first_differing = threads;
      check.identical = false;
      check.max_difference_bound_units = std::max(
          check.max_difference_bound_units, max_difference_in_bound_units(first->values(), y->values(), bounds.bound));
    }
    r.threads = std::move(check);
  }
  judge(r);
  return r;
}

nlohmann::json determinism_record_json(const DeterminismRecord& r) {
  nlohmann::json threads = nullptr;
  if (r.threads)
    threads = {{"counts", r.threads->counts},
               {"identical", r.threads->identical},
               {"claimed", r.threads->claimed},
               {"max_difference_bound_units", units(r.threads->max_difference_bound_units)}};
  nlohmann::json observed = nullptr;
  if (r.observed_deterministic) observed = *r.observed_deterministic;
  nlohmann::json j = {{"order", r.order},
                      {"problem", format_descriptor(r.problem)},
                      {"backend", r.backend},
                      {"device", r.device},
                      {"runs", r.runs},
                      {"hashes", r.hashes},
                      {"distinct_outputs", r.distinct_outputs},
                      {"max_difference_bound_units", units(r.max_difference_bound_units)},
                      {"declared_deterministic", r.declared_deterministic},
                      {"declared_by", r.declared_by},
                      {"observed_deterministic", observed},
                      {"threads", threads},
                      {"verdict", determinism_verdict_name(r.verdict)},
                      {"reason", r.reason}};
  if (r.declared_note) j["declared_note"] = *r.declared_note;
  return j;
}

nlohmann::json determinism_section(const DeterminismOptions& options, const std::vector<DeterminismRecord>& records) {
  nlohmann::json list = nlohmann::json::array();
  for (const DeterminismRecord& r : records) list.push_back(determinism_record_json(r));
  return {{"runs", options.runs}, {"data", "normal"}, {"seed", options.seed}, {"records", std::move(list)}};
}

}  // namespace convt::report
