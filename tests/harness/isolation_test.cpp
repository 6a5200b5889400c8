// Isolated cases (harness/isolation.h): a case run in a worker process gives
// the same result as in this process, field by field; a backend that
// crashes, aborts, exits or hangs fails that case with the reason while a
// check goes on and fuzzing shrinks the crash; the worker changes nothing in
// this process and writes nothing of this process's output again.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "fake_backend.h"
#include "harness/conformance.h"
#include "harness/fuzz.h"
#include "harness/isolation.h"
#include "reference/descriptor.h"
#include "tests/expect_contains.h"

namespace convt::testing {
namespace {

Problem problem(const std::string& descriptor) {
  Result<Problem> p = parse_problem(descriptor);
  EXPECT_TRUE(p.ok()) << descriptor;
  return p.ok() ? *p : Problem{};
}

template <class T>
bool same_bits(const T& a, const T& b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// Every field but the timings.
void expect_same(const CaseResult& in_worker, const CaseResult& here) {
  EXPECT_EQ(in_worker.verdict, here.verdict);
  EXPECT_EQ(in_worker.reason, here.reason);
  EXPECT_EQ(in_worker.nondeterministic, here.nondeterministic);
  EXPECT_EQ(in_worker.differing_run, here.differing_run);
  EXPECT_EQ(in_worker.differences.count, here.differences.count);
  ASSERT_EQ(in_worker.differences.first.size(), here.differences.first.size());
  for (size_t i = 0; i < here.differences.first.size(); ++i) {
    const RunDifference &a = in_worker.differences.first[i], &b = here.differences.first[i];
    EXPECT_EQ(a.at, b.at);
    EXPECT_TRUE(same_bits(a.first, b.first) && same_bits(a.other, b.other));
  }
  const Comparison &a = in_worker.comparison, &b = here.comparison;
  EXPECT_EQ(a.mismatches, b.mismatches);
  EXPECT_EQ(a.not_written, b.not_written);
  EXPECT_TRUE(same_bits(a.worst_ratio, b.worst_ratio)) << a.worst_ratio << " vs " << b.worst_ratio;
  ASSERT_EQ(a.first.size(), b.first.size());
  for (size_t i = 0; i < b.first.size(); ++i) {
    const Mismatch &m = a.first[i], &n = b.first[i];
    EXPECT_EQ(m.at, n.at);
    EXPECT_TRUE(same_bits(m.expected, n.expected) && same_bits(m.got, n.got) && same_bits(m.bound, n.bound));
    EXPECT_EQ(m.not_written, n.not_written);
  }
}

struct Judged {
  Defect defect;
  DataMode data;
  bool deterministic = true;
};

TEST(Isolation, TheWorkerGivesTheSameResultAsThisProcess) {
  const Judged cases[] = {
      {Defect::none, DataMode::exact},
      {Defect::none, DataMode::normal},
      {Defect::skip_last_element, DataMode::exact},
      {Defect::write_after, DataMode::exact},
      {Defect::flip_bit_second_run, DataMode::exact},
      {Defect::flip_bit_second_run, DataMode::exact, false},
      {Defect::error_return, DataMode::exact},
      {Defect::unsupported, DataMode::exact},
      {Defect::drop_nan, DataMode::special},
      {Defect::bfloat16_products, DataMode::normal},
      {Defect::one_ulp, DataMode::normal},
  };
  const CaseSpec base{problem("mb2ic6ih5iw7oc4kh3kw2sh2sw1ph1pw0g2"), DataMode::exact, 3, 2};
  for (const Judged& j : cases) {
    SCOPED_TRACE(data_mode_name(j.data) + std::string(" defect ") + std::to_string(int(j.defect)));
    CaseSpec spec = base;
    spec.data = j.data;
    FakeBackend here(j.defect, j.deterministic), there(j.defect, j.deterministic);
    expect_same(run_case_in_worker(there, spec, 60), run_case(here, spec));
  }
}

// The case ran elsewhere: this process's backend was never prepared.
TEST(Isolation, TheWorkerLeavesThisProcessAsItWas) {
  FakeBackend backend(Defect::none);
  const CaseResult r = run_case_in_worker(backend, {problem("mb1ic2ih3oc2kh2"), DataMode::exact, 1, 2}, 60);
  EXPECT_EQ(r.verdict, Verdict::passed) << r.reason;
  EXPECT_TRUE(backend.prepared.empty());
  run_case(backend, {problem("mb1ic2ih3oc2kh2"), DataMode::exact, 1, 2});
  EXPECT_EQ(backend.prepared.size(), 1u);
}

enum class Misdeed { segfault, abort, exit, hang };

// The fake's correct backend, but on problems with C_in = 3 its run (or its
// prepare) commits `misdeed`.
class Misbehaving final : public Backend {
 public:
  explicit Misbehaving(Misdeed misdeed, bool in_prepare = false) : misdeed_(misdeed), in_prepare_(in_prepare) {}

  std::optional<Error> prepare(const Problem& p, const float* w, const float* bias) override {
    c_in_ = p.c_in;
    if (in_prepare_) misbehave();
    return correct_.prepare(p, w, bias);
  }
  std::optional<Error> run(const float* x, float* y) override {
    if (!in_prepare_) misbehave();
    return correct_.run(x, y);
  }

 private:
  void misbehave() const {
    if (c_in_ != 3) return;
    switch (misdeed_) {
      case Misdeed::segfault:
        std::signal(SIGSEGV, SIG_DFL);  // a sanitizer's handler would turn it into an exit
        std::raise(SIGSEGV);
        break;
      case Misdeed::abort: std::abort();
      case Misdeed::exit: std::_Exit(3);
      case Misdeed::hang:
        for (;;) ::pause();
    }
  }

  Misdeed misdeed_;
  bool in_prepare_;
  int64_t c_in_ = 0;
  FakeBackend correct_{Defect::none};
};

CaseResult misbehave(Misdeed misdeed, bool in_prepare = false) {
  Misbehaving backend(misdeed, in_prepare);
  return run_case_in_worker(backend, {problem("mb1ic3ih4oc2kh3"), DataMode::exact, 1, 2}, 0.5);
}

TEST(Isolation, ACrashAnExitOrAHangFailsTheCaseWithTheReason) {
  const CaseResult segfault = misbehave(Misdeed::segfault);
  EXPECT_EQ(segfault.verdict, Verdict::failed);
  EXPECT_EQ(segfault.reason, "crashed: SIGSEGV (Segmentation fault) in the backend");
  const CaseResult aborted = misbehave(Misdeed::abort, true);
  EXPECT_EQ(aborted.verdict, Verdict::failed);
  EXPECT_EQ(aborted.reason, "crashed: SIGABRT (Aborted) in the backend");
  const CaseResult exited = misbehave(Misdeed::exit);
  EXPECT_EQ(exited.verdict, Verdict::failed);
  EXPECT_EQ(exited.reason, "the worker exited (status 3) in the backend before the case finished");
  const CaseResult hung = misbehave(Misdeed::hang);
  EXPECT_EQ(hung.verdict, Verdict::failed);
  EXPECT_EQ(hung.reason, "timed out after 0.5 s in the backend (--case-timeout)");
}

TEST(Isolation, ModeChoosesWhereCasesRun) {
  FakeBackend built_in(Defect::none);
  EXPECT_FALSE(isolates(built_in, {}));
  EXPECT_TRUE(isolates(built_in, {IsolateMode::on}));
  Misbehaving crashing(Misdeed::segfault);
  const CaseSpec spec{problem("mb1ic3ih4oc2kh3"), DataMode::exact, 1, 2};
  EXPECT_EQ(run_case_with(crashing, spec, {IsolateMode::on, 5}).reason,
            "crashed: SIGSEGV (Segmentation fault) in the backend");
}

TEST(Isolation, CheckFailsTheCrashingCaseAndGoesOn) {
  std::vector<NamedBackend> backends;
  backends.push_back(NamedBackend{"hangs", "cpu", "", std::make_unique<Misbehaving>(Misdeed::hang)});
  std::vector<SuiteEntry> problems;
  for (const char* d : {"mb1ic2ih4oc2kh3", "mb1ic3ih4oc2kh3", "mb2ic4ih3oc3kh2sh2"})
    problems.push_back(SuiteEntry{problem(d), d, "test", {}, std::nullopt});
  CheckOptions options;
  options.data = {DataMode::exact};
  options.isolation = {IsolateMode::on, 0.5};
  const std::vector<CheckRecord> records = run_check(problems, backends, options);
  EXPECT_EQ(summary_line(totals(records)), "tests:3 passed:2 failed:1 mistrusted:0 skipped:0");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].result.verdict, Verdict::failed);
  EXPECT_CONTAINS(describe(records[1]), "timed out after 0.5 s in the backend");
  EXPECT_CONTAINS(describe(records[1]), "repro: convt check --problem mb1ic3ih4");
}

TEST(Isolation, FuzzShrinksACrash) {
  NamedBackend backend{"segfaults", "cpu", "", std::make_unique<Misbehaving>(Misdeed::segfault)};
  FuzzOptions options;
  options.cases = 2000;
  options.data = {DataMode::exact};
  options.isolation = {IsolateMode::on, 5};
  const FuzzOutcome outcome = fuzz(backend, options);
  ASSERT_TRUE(outcome.counterexample);
  const Counterexample& c = *outcome.counterexample;
  EXPECT_EQ(c.result.reason, "crashed: SIGSEGV (Segmentation fault) in the backend");
  // The smallest problem with C_in = 3.
  EXPECT_EQ(c.spec.problem.c_in, 3) << format_descriptor(c.spec.problem);
  EXPECT_EQ(c.spec.problem.h_in * c.spec.problem.w_in * c.spec.problem.kernel.h * c.spec.problem.kernel.w, 1)
      << format_descriptor(c.spec.problem);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

size_t occurrences(const std::string& text, const std::string& word) {
  size_t n = 0;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++n;
  return n;
}

// What this process had buffered for stdout when the worker started is
// written once, by this process.
TEST(Isolation, BufferedOutputIsWrittenOnce) {
  const std::string path = ::testing::TempDir() + "/convt_isolation_stdout_" + std::to_string(::getpid());
  std::cout.flush();
  std::fflush(stdout);
  const int saved = ::dup(1);
  const int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(file, 0);
  ::dup2(file, 1);
  ::close(file);
  std::cout << "buffered by iostream\n";
  std::printf("buffered by stdio\n");
  FakeBackend backend(Defect::none);
  const CaseResult r = run_case_in_worker(backend, {problem("mb1ic2ih3oc2kh2"), DataMode::exact, 1, 2}, 60);
  std::cout.flush();
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  EXPECT_EQ(r.verdict, Verdict::passed) << r.reason;
  const std::string written = read_file(path);
  std::filesystem::remove(path);
  EXPECT_EQ(occurrences(written, "buffered by iostream"), 1u) << written;
  EXPECT_EQ(occurrences(written, "buffered by stdio"), 1u) << written;
}

}  // namespace
}  // namespace convt::testing
