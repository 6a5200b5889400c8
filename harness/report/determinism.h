// The determinism section of convt's report (convt report determinism,
// docs/reports.md): whether a backend's output is bitwise the same from run
// to run, and on the CPU from one thread count to another, against what the
// backend declares of itself (Backend::deterministic(); a plugin's
// convt_plugin_is_deterministic; cuDNN's NONDETERMINISTIC note).
//
// One measurement is one backend on one problem: normal data from the seed,
// prepared once, run R times into guarded outputs. Each output's bytes are
// hashed (XXH3-64 of libxxhash, 16 hex digits); the record keeps the hashes,
// how many distinct outputs there were and the largest difference from run
// 1 in units of the element's rigorous error bound (harness/bound.h, with
// the backend's math()). A CPU backend convt builds in (not a plugin) is
// then prepared and run once more with each thread count 1..T; every output
// must equal run 1's bitwise when the backend claims the same bits for any
// thread count (Backend::same_bits_for_any_thread_count: convt's cpu),
// and a difference is recorded otherwise (oneDNN promises determinism for a
// fixed thread count only).
//
// Verdicts:
//   passed    declares determinism; the R outputs agree (and the thread
//             counts, where it claims that too)
//   failed    declares determinism; the outputs (or the thread counts it
//             claims) differ
//   admitted  declares itself nondeterministic: recorded, never failed
//   skipped   the backend does not support the problem (it says why)
//   error     prepare or a run returned an error, or wrote outside its output
//
// Without a GPU the cuDNN backends skip; for `cudnn:<engine>` the
// declaration then comes from cuDNN's notes of that engine, planned without
// a GPU for the GPU that DeterminismOptions::deviceless_gpu describes.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "harness/backend.h"
#include "reference/problem.h"

namespace convt::report {

enum class DeterminismVerdict { passed, failed, admitted, skipped, error };
const char* determinism_verdict_name(DeterminismVerdict v);

// The outputs with each thread count 1..T, against run 1's.
struct ThreadCheck {
  std::vector<int> counts;                // 1..T
  bool identical = true;                  // every count's output equals run 1's bitwise
  bool claimed = false;                   // the backend claims so (same_bits_for_any_thread_count)
  int first_differing = 0;                // the first count whose output differs; 0 when none
  double max_difference_bound_units = 0;  // the largest difference from run 1, as for the runs
};

struct DeterminismRecord {
  std::array<int64_t, 2> order{};  // the problem's index in the whole selection, the backend's
  Problem problem;
  std::string backend, device;
  int runs = 0;                     // made (0 when skipped)
  std::vector<std::string> hashes;  // one per run made
  int64_t distinct_outputs = 0;
  double max_difference_bound_units = 0;  // from run 1; +inf where a bound of 0 (or a NaN) was crossed
  bool declared_deterministic = true;
  std::string declared_by = "backend";         // "backend", "plugin" or "cuDNN notes"
  std::optional<std::string> declared_note;    // cuDNN's: "NONDETERMINISTIC" or ""; absent for the others
  std::optional<bool> observed_deterministic;  // nullopt when no run completed
  std::optional<ThreadCheck> threads;          // nullopt when not checked
  DeterminismVerdict verdict = DeterminismVerdict::passed;
  std::string reason;
};

struct DeterminismOptions {
  int runs = 20;
  uint64_t seed = 1;
  BackendOptions backend;  // the options the backends were made with (--threads, --tf32, --deterministic)
  int max_threads = 1;     // T of the thread check; 0: no thread check
  // cuDNN's device-properties JSON of a GPU to plan for without one (the
  // "properties" of configs/gpus/h100_sxm.json); empty: no deviceless notes.
  std::string deviceless_gpu;
};

// Measures backends on problems with one set of options. It keeps the
// deviceless plan of the last problem, so that every `cudnn:<engine>` of a
// problem is declared from one planning.
class DeterminismMeter {
 public:
  explicit DeterminismMeter(DeterminismOptions options) : options_(std::move(options)) {}

  const DeterminismOptions& options() const { return options_; }

  // One backend on one problem; `order` goes into the record as it is.
  DeterminismRecord measure(NamedBackend& backend, const Problem& p, std::array<int64_t, 2> order);

 private:
  // cuDNN's note of engine `engine` for p without a GPU ("NONDETERMINISTIC"
  // or ""), or nullopt when it cannot be known (no description, not planned,
  // the engine did not finalize).
  std::optional<std::string> deviceless_note(const Problem& p, int64_t engine);

  DeterminismOptions options_;
  std::optional<Problem> planned_;        // the problem of notes_
  std::map<int64_t, std::string> notes_;  // engine -> its note, where known
};

// XXH3-64 of the floats' bytes as 16 lowercase hex digits.
std::string output_hash(std::span<const float> y);

// The largest |a - b| / bound over the elements, elements with the same bits
// (NaN and NaN at the same place too) differing by nothing; an element that
// differs where its bound is 0, or by NaN or Inf, counts as +inf.
double max_difference_in_bound_units(std::span<const float> a, std::span<const float> b, std::span<const double> bound);

// A record as the report holds it, and the section of a run's records:
// {"runs": R, "data": "normal", "seed": S, "records": [...]}.
nlohmann::json determinism_record_json(const DeterminismRecord& r);
nlohmann::json determinism_section(const DeterminismOptions& options, const std::vector<DeterminismRecord>& records);

}  // namespace convt::report
