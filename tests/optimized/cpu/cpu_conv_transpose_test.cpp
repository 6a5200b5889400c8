// Unit tests of convt's own CPU kernel (optimized/cpu).
//
//   oracle       on exact data every ISA the CPU runs (AVX-512, and AVX2 and
//                scalar forced) reproduces the oracle bitwise, on problems
//                chosen for tails and remainders: widths and channel counts
//                around the vector width and the register tile, every
//                parameter, groups and depthwise, the 1x1-input GEMM path,
//                pitch and row modes, N = 0; and the harness's own judge
//                (run_case: normal and special data, writes outside y,
//                repeat determinism) passes on each ISA.
//   across ISAs  the three ISAs compute every element with the same sequence
//                of FMAs: their outputs agree bitwise on normal data.
//   threads      1, 2 and 3 threads, and two runs, give bitwise identical
//                outputs, including large-channel layers with many tasks.
//   selection    CONVT_CPU_ISA and PlanOptions::isa choose the ISA; an
//                unknown name or an ISA the CPU lacks is an error.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/backend.h"
#include "harness/check_case.h"
#include "harness/data.h"
#include "optimized/cpu/conv_transpose_cpu.h"
#include "reference/descriptor.h"
#include "reference/oracle.h"
#include "tests/problem_text.h"

namespace convt::testing {
namespace {


std::vector<cpu::Isa> supported_isas() {
  std::vector<cpu::Isa> isas;
  for (cpu::Isa isa : {cpu::Isa::scalar, cpu::Isa::avx2, cpu::Isa::avx512})
    if (cpu::isa_supported(isa)) isas.push_back(isa);
  return isas;
}

// Sets (or with nullopt unsets) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      setenv(name, value->c_str(), 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::vector<float> run_cpu(const Problem& p, const Tensors& t, cpu::Isa isa, int threads) {
  cpu::PlanOptions options;
  options.threads = threads;
  options.isa = isa;
  Result<cpu::Plan> plan = cpu::make_plan(p, t.w.data(), p.bias ? t.bias.data() : nullptr, options);
  EXPECT_TRUE(plan.ok()) << (plan.ok() ? "" : plan.error().message);
  std::vector<float> y(size_t(p.output_elements()), std::nanf(""));
  if (plan.ok()) cpu::run(plan.value(), t.x.data(), y.data());
  return y;
}

int64_t bit_differences(const std::vector<float>& a, const std::vector<float>& b) {
  int64_t n = 0;
  for (size_t i = 0; i < a.size(); ++i) n += std::bit_cast<uint32_t>(a[i]) != std::bit_cast<uint32_t>(b[i]);
  return n;
}

// Small enough for the oracle; together they reach every code path.
const char* const kProblems[] = {
    // plain, and every parameter alone
    "mb2ic3ih5iw7oc4kh3",
    "mb2ic3ih5iw7oc4kh3sh2",
    "mb1ic3ih6iw5oc5kh3sh3sw2ph1pw2oph2opw1",
    "mb1ic4ih5iw6oc3kh3kw2dh2dw3",
    "mb1ic4ih4iw9oc6kh2kw5sh2sw3ph1pw2dh2dw2oph1opw2nobias",
    "mb1ic2ih3iw3oc2kh1sh4sw3",               // phases without taps: bias only
    "mb1ic3ih2iw2oc2kh5sh1ph2",               // taps that never reach an output
    "mb1ic2ih4iw4oc3kh3sh2ph4pw4dh3dw3oph2opw2",
    // vector tails: widths around 8 and 16, row and pitch modes
    "mb1ic5ih3iw15oc7kh3",
    "mb1ic5ih3iw16oc7kh3",
    "mb1ic5ih3iw17oc7kh3sh2ph1",
    "mb1ic3ih5iw33oc3kh4sh2ph1",
    "mb2ic4ih4iw4oc5kh4sh2ph1",               // 4x4 phases: vectors span rows (pitch mode)
    "mb2ic6ih3iw5oc9kh2sh2",
    // paired stores (stride 2, phases qw = 0 and 1 in one tile): vectors
    // whose lanes split over rows, whole rows of vectors, groups
    "mb1ic4ih3iw40oc3kh2sh2",
    "mb2ic6ih6iw21oc6kh2sh2g2",
    "mb1ic2ih2iw1oc3kh3sh2ph1oph1",
    // register-tile remainders: output channels off mr, input channels off the chunk
    "mb1ic33ih4iw6oc25kh3sh2ph1",
    "mb1ic40ih3iw9oc31kh2sh2",
    "mb3ic17ih2iw20oc13kh4sh2ph1nobias",
    // groups, depthwise, channel multipliers
    "mb2ic6ih5iw6oc9kh3sh2g3",
    "mb2ic8ih6iw10oc8kh4sh2ph1g8",
    "mb1ic5ih9iw9oc5kh16sh8ph4g5nobias",
    "mb1ic4ih5iw5oc12kh3sh2g4",
    // one input channel per group, in output order: stride 1 (plain loads),
    // stride 3 (three vector classes), stride 16, dilation, output padding,
    // more than 4 row taps and slots (the generic row), multipliers 2 and 4
    "mb2ic3ih5iw37oc3kh3g3",
    "mb1ic2ih4iw21oc4kh5kw7sh3sw3ph2pw3dh2dw2oph1opw2g2",
    "mb1ic2ih3iw5oc2kh2kw32sw16g2",
    "mb1ic2ih9iw40oc2kh6kw9ph2pw4g2nobias",
    "mb1ic3ih7iw19oc12kh4sh2ph1oph1g3",
    // strides beyond the kernel, large kernels, non-square
    "mb1ic3ih4iw3oc2kh2kw3sh5sw4ph1",
    "mb1ic2ih1iw40oc2kh1kw21sw10pw10opw9",
    "mb1ic3ih7iw2oc4kh9kw2sh3sw1ph4pw0oph2opw0",
    // fused phases (one output channel, stride 10: 9 phases share offsets),
    // the input packed per task (planes of 2 KiB and more, many channels)
    "mb1ic24ih1iw40oc1kh1kw21sw10pw10opw9",
    "mb1ic32ih1iw640oc2kh1kw21sw10pw10opw9g2",
    // tail members (one output channel: a phase with more taps joins one
    // whose taps it contains): an extra column tap last, first, and extra
    // row and column taps in 2-D, one in several micro-blocks
    "mb2ic6ih1iw30oc2kh1kw7sw3pw1opw2g2",
    "mb1ic5ih6iw9oc1kh9sh4ph4oph3",
    "mb1ic64ih1iw300oc1kh1kw45sw20pw3",
    "mb1ic32ih1iw640oc2kh1kw18sw9pw9g2",  // 9 fused phases in fewer vectors than the tile's
    // tail members on every other row (kernel 3, stride 2: phase qw = 1
    // after qw = 0), stored in pairs; tiles of one and two vectors
    "mb2ic9ih7iw20oc5kh3sh2ph1oph1",
    "mb1ic40ih9iw24oc13kh3sh2ph1oph1",
    "mb1ic16ih12iw13oc6kh3sh2ph1oph1",
    "mb1ic16ih33iw40oc64kh3sh2ph1",
    "mb1ic16ih33iw39oc64kh3sh2ph1dh3",  // a task whose vectors read nothing: bias only
    "mb4ic40ih12iw160oc1kh9sh3ph4oph2",  // tasks grown to whole rows (FSRCNN's taps span 4 rows)
    // channel vectors (small phases, several images; or one image whose
    // rows are a vector and a bit), the last row block and column tile
    // partial
    "mb4ic24ih4iw4oc56kh4sh2ph1",
    "mb3ic16ih7iw6oc44kh4sh2ph1nobias",
    "mb1ic8ih16oc21kh4sh2nobias",
    "mb5ic9ih3iw4oc33kh3sh2ph1oph1nobias",
    "mb4ic136ih4iw4oc56kh4sh2ph1",  // the reduction in several passes over all tiles (136 channels)
    "mb4ic16ih8oc512kh4sh2ph1",     // tasks in blocks of one image (its output is 512 KiB)
    // the 1x1-input GEMM path, with a column tail
    "mb5ic7ih1oc9kh4kw3",
    "mb11ic6ih1oc20kh3g2nobias",
    "mb3ic100ih1oc33kh4",
    // N = 0
    "mb0ic3ih4oc5kh3sh2",
};

TEST(CpuKernel, ReproducesTheOracleOnExactDataOnEveryIsa) {
  for (const char* text : kProblems) {
    const Problem p = problem(text);
    const Tensors t = make_tensors(p, DataMode::exact, 7);
    const std::vector<double> expected =
        conv_transpose2d_oracle(p, t.x.data(), t.w.data(), p.bias ? t.bias.data() : nullptr);
    for (cpu::Isa isa : supported_isas())
      for (int threads : {1, 2}) {
        const std::vector<float> y = run_cpu(p, t, isa, threads);
        int64_t wrong = 0;
        for (size_t i = 0; i < y.size(); ++i) wrong += !(y[i] == float(expected[i]));
        EXPECT_EQ(wrong, 0) << text << " on " << cpu::isa_name(isa) << " with " << threads << " threads";
      }
  }
}

TEST(CpuKernel, PassesTheHarnessJudgeInEveryDataModeOnEveryIsa) {
  const char* const problems[] = {"mb2ic9ih5iw11oc17kh4sh2ph1", "mb1ic8ih4iw4oc8kh3sh2ph1oph1dh2g2",
                                  "mb2ic12ih6iw7oc12kh4sh2ph1g12", "mb9ic10ih1oc12kh4"};
  for (cpu::Isa isa : supported_isas()) {
    ScopedEnv env("CONVT_CPU_ISA", cpu::isa_name(isa));
    Result<NamedBackend> b = make_backend("cpu", BackendOptions{.threads = 2});
    ASSERT_TRUE(b.ok()) << b.error().message;
    for (const char* text : problems)
      for (DataMode mode : kAllDataModes) {
        const CaseResult r = run_case(*b->backend, CaseSpec{problem(text), mode, 3, 2});
        EXPECT_EQ(r.verdict, Verdict::passed)
            << text << " " << data_mode_name(mode) << " on " << cpu::isa_name(isa) << ": " << r.reason;
      }
  }
}

TEST(CpuKernel, IsasAgreeBitwiseOnNormalData) {
  const std::vector<cpu::Isa> isas = supported_isas();
  for (const char* text : kProblems) {
    const Problem p = problem(text);
    const Tensors t = make_tensors(p, DataMode::normal, 11);
    const std::vector<float> first = run_cpu(p, t, isas[0], 1);
    for (size_t i = 1; i < isas.size(); ++i)
      EXPECT_EQ(bit_differences(first, run_cpu(p, t, isas[i], 1)), 0)
          << text << ": " << cpu::isa_name(isas[0]) << " vs " << cpu::isa_name(isas[i]);
  }
}

TEST(CpuKernel, BitwiseIdenticalForAnyThreadCountAndRun) {
  const char* const problems[] = {
      "mb8ic256ih8oc128kh4sh2ph1",    // large channels, many tasks
      "mb2ic512ih4oc256kh4sh2ph1nobias",
      "mb1ic128ih40iw44oc64kh2sh2",
      "mb2ic64ih20oc3kh4sh2ph1",      // few output channels
      "mb4ic64ih24oc64kh4sh2ph1g64",  // depthwise
      "mb16ic100ih1oc256kh4",         // 1x1 input
      "mb1ic37ih9iw13oc29kh3sh2ph1oph1dh2",
  };
  for (const char* text : problems) {
    const Problem p = problem(text);
    const Tensors t = make_tensors(p, DataMode::normal, 5);
    for (cpu::Isa isa : supported_isas()) {
      if (isa == cpu::Isa::scalar && p.output_elements() * p.c_in_per_group() > (int64_t(1) << 24)) continue;
      const std::vector<float> one = run_cpu(p, t, isa, 1);
      for (int threads : {1, 2, 3})
        EXPECT_EQ(bit_differences(one, run_cpu(p, t, isa, threads)), 0)
            << text << " on " << cpu::isa_name(isa) << ": 1 vs " << threads << " threads";
    }
  }
}

TEST(CpuKernel, RepeatedRunsOfOnePlanAgree) {
  const Problem p = problem("mb4ic128ih8oc64kh4sh2ph1");
  const Tensors t = make_tensors(p, DataMode::normal, 2);
  cpu::PlanOptions options;
  options.threads = 3;
  Result<cpu::Plan> plan = cpu::make_plan(p, t.w.data(), t.bias.data(), options);
  ASSERT_TRUE(plan.ok());
  std::vector<float> a(size_t(p.output_elements())), b(a.size());
  cpu::run(plan.value(), t.x.data(), a.data());
  cpu::run(plan.value(), t.x.data(), b.data());
  EXPECT_EQ(bit_differences(a, b), 0);
}

TEST(CpuIsa, NamesRoundTrip) {
  for (cpu::Isa isa : {cpu::Isa::scalar, cpu::Isa::avx2, cpu::Isa::avx512})
    EXPECT_EQ(cpu::parse_isa(cpu::isa_name(isa)), isa);
  EXPECT_EQ(cpu::parse_isa("sse"), std::nullopt);
  EXPECT_TRUE(cpu::isa_supported(cpu::Isa::scalar));
  EXPECT_TRUE(cpu::isa_supported(cpu::best_isa()));
}

TEST(CpuIsa, EnvironmentVariableChoosesTheIsa) {
  const Problem p = problem("mb1ic3ih4oc5kh3sh2");
  const Tensors t = make_tensors(p, DataMode::normal, 1);
  {
    ScopedEnv env("CONVT_CPU_ISA", std::nullopt);
    ASSERT_TRUE(cpu::default_isa().ok());
    EXPECT_EQ(*cpu::default_isa(), cpu::best_isa());
  }
  {
    ScopedEnv env("CONVT_CPU_ISA", "");
    EXPECT_EQ(*cpu::default_isa(), cpu::best_isa());
  }
  for (cpu::Isa isa : supported_isas()) {
    ScopedEnv env("CONVT_CPU_ISA", cpu::isa_name(isa));
    ASSERT_TRUE(cpu::default_isa().ok());
    EXPECT_EQ(*cpu::default_isa(), isa);
    Result<cpu::Plan> plan = cpu::make_plan(p, t.w.data(), t.bias.data());
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->isa(), isa) << plan->describe();
  }
  {
    ScopedEnv env("CONVT_CPU_ISA", "avx1024");
    EXPECT_FALSE(cpu::default_isa().ok());
    Result<cpu::Plan> plan = cpu::make_plan(p, t.w.data(), t.bias.data());
    ASSERT_FALSE(plan.ok());
    EXPECT_NE(plan.error().message.find("CONVT_CPU_ISA=avx1024"), std::string::npos);
  }
  for (cpu::Isa isa : {cpu::Isa::avx2, cpu::Isa::avx512})
    if (!cpu::isa_supported(isa)) {
      ScopedEnv env("CONVT_CPU_ISA", cpu::isa_name(isa));
      EXPECT_FALSE(cpu::default_isa().ok()) << cpu::isa_name(isa);
    }
}

TEST(CpuIsa, PlanOptionOverridesTheEnvironment) {
  const Problem p = problem("mb1ic3ih4oc5kh3sh2");
  const Tensors t = make_tensors(p, DataMode::normal, 1);
  ScopedEnv env("CONVT_CPU_ISA", "not-an-isa");
  cpu::PlanOptions options;
  options.isa = cpu::Isa::scalar;
  Result<cpu::Plan> plan = cpu::make_plan(p, t.w.data(), t.bias.data(), options);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->isa(), cpu::Isa::scalar);
  options.threads = -1;
  EXPECT_FALSE(cpu::make_plan(p, t.w.data(), t.bias.data(), options).ok());
}

TEST(CpuPlan, ThreadsDefaultToTheHardware) {
  const Problem p = problem("mb1ic3ih4oc5kh3sh2");
  const Tensors t = make_tensors(p, DataMode::normal, 1);
  Result<cpu::Plan> plan = cpu::make_plan(p, t.w.data(), t.bias.data());
  ASSERT_TRUE(plan.ok());
  EXPECT_GE(plan->threads(), 1);
  EXPECT_EQ(plan->problem(), p);
}

// The exactness tests above pass on whichever path a plan takes; these pin
// which one it takes, so a change in the choice does not leave a path
// untested. They read the plan's summary (Plan::summary), not its prose.
// The plans are made for AVX-512 where the CPU has it, else AVX2; the tiles
// and blocks depend on the lanes and registers, so the facts marked
// avx512_only hold for AVX-512 plans alone (skipped on other CPUs).
using Summary = cpu::PlanSummary;
using Group = cpu::PhaseGroupSummary;

bool any_group(const Summary& s, const std::function<bool(const Group&)>& pred) {
  return std::any_of(s.phase_groups.begin(), s.phase_groups.end(), pred);
}

bool method_is(const Summary& s, cpu::Method m) { return s.method == m; }

// Group q fuses `members` phases, `tail` of them with `extra` more taps,
// over row_taps x column_taps taps.
bool group_fuses(const Summary& s, size_t q, int members, int tail, int extra, int row_taps, int column_taps) {
  if (s.method != cpu::Method::phases || q >= s.phase_groups.size()) return false;
  const Group& g = s.phase_groups[q];
  return g.members == members && g.tail_members == tail && g.extra_taps == extra && g.row_taps == row_taps &&
         g.column_taps == column_taps;
}

TEST(CpuPlan, ChoosesThePathFromTheShape) {
  using cpu::Method;
  const struct {
    const char* problem;
    const char* fact;
    std::function<bool(const Summary&)> holds;
    bool avx512_only = false;
  } cases[] = {
      {"mb1ic64ih16oc64kh16sh8ph4g64", "depthwise", [](const Summary& s) { return method_is(s, Method::depthwise); }},
      {"mb1ic2ih9iw40oc2kh6kw9ph2pw4g2nobias", "depthwise",
       [](const Summary& s) { return method_is(s, Method::depthwise); }},
      {"mb1ic3ih7iw19oc12kh4sh2ph1oph1g3", "depthwise",
       [](const Summary& s) { return method_is(s, Method::depthwise); }},
      // multiplier 5: the register tile
      {"mb1ic2ih5oc10kh4sh2ph1g2", "phases", [](const Summary& s) { return method_is(s, Method::phases); }},
      // the phase of 3 taps (k = 0, 10, 20) with the nine of 2 as their tail
      {"mb1ic24ih1iw40oc1kh1kw21sw10pw10opw9", "group 0: 10 fused, 1 with 1 more tap, 1x3 taps",
       [](const Summary& s) { return group_fuses(s, 0, 10, 1, 1, 1, 3); }},
      {"mb1ic5ih6iw9oc1kh9sh4ph4oph3", "a group of 12 fused, 3 with 2 more taps, 2x3 taps",
       [](const Summary& s) {
         for (size_t q = 0; q < s.phase_groups.size(); ++q)
           if (group_fuses(s, q, 12, 3, 2, 2, 3)) return true;
         return false;
       }},
      // one block of 9 rows x 2 vectors, not three of 3 x 8 each reading
      // the input again
      {"mb1ic32ih1iw640oc2kh1kw18sw9pw9g2", "a 9x2 tile in row mode",
       [](const Summary& s) {
         return method_is(s, Method::phases) &&
                any_group(s, [](const Group& g) { return g.tile_rows == 9 && g.tile_vectors == 2 && !g.pitch_mode; });
       },
       true},
      {"mb1ic16ih33iw40oc64kh3sh2ph1", "input packed",
       [](const Summary& s) { return method_is(s, Method::phases) && s.input_packed; }},
      // 3 rows of 10, not 24 vectors
      {"mb4ic40ih12iw160oc1kh9sh3ph4oph2", "30 vectors per task",
       [](const Summary& s) { return method_is(s, Method::phases) && s.vectors_per_task == 30; }, true},
      // a quarter of the lanes on taps outside
      {"mb4ic24ih4iw4oc56kh4sh2ph1", "channel vectors",
       [](const Summary& s) { return method_is(s, Method::channel_vectors); }},
      {"mb3ic16ih7iw6oc44kh4sh2ph1nobias", "channel vectors",
       [](const Summary& s) { return method_is(s, Method::channel_vectors); }},
      // rows of 17: position vectors half empty
      {"mb1ic8ih16oc21kh4sh2nobias", "channel vectors",
       [](const Summary& s) { return method_is(s, Method::channel_vectors); }},
      // an image's input and output: 528 KiB
      {"mb4ic16ih8oc512kh4sh2ph1", "channel vectors, 1 image per block",
       [](const Summary& s) { return method_is(s, Method::channel_vectors) && s.images_per_block == 1; }},
      // channel vectors would pad 40 rows to 48 (16 lanes)
      {"mb4ic24ih4iw4oc40kh4sh2ph1", "phases", [](const Summary& s) { return method_is(s, Method::phases); },
       true},
      // one image: too few columns
      {"mb1ic24ih4iw4oc40kh4sh2ph1", "phases", [](const Summary& s) { return method_is(s, Method::phases); }},
      // rows for one vector
      {"mb1ic16ih8oc16kh4sh2ph1", "phases", [](const Summary& s) { return method_is(s, Method::phases); }},
      // one task per block of channels: its weights are read once
      {"mb1ic16ih8oc16kh4sh2ph1", "weights prefetched",
       [](const Summary& s) { return method_is(s, Method::phases) && s.weights_prefetched; }, true},
      {"mb4ic16ih1oc8kh4", "1x1-input GEMM", [](const Summary& s) { return method_is(s, Method::gemm); }},
      // U-Net's and Mask R-CNN's 2x2 stride-2 layers
      {"mb1ic16ih20oc8kh2sh2", "paired stores",
       [](const Summary& s) {
         return method_is(s, Method::phases) && any_group(s, [](const Group& g) { return g.paired_stores; });
       }},
      // CycleGAN's 3x3 stride-2 layers: qw = 1 (2 column taps) joins qw = 0
      {"mb1ic16ih16iw32oc8kh3sh2ph1oph1", "group 1: 2 fused, 1 with 2 more taps, 2x2 taps",
       [](const Summary& s) { return group_fuses(s, 1, 2, 1, 2, 2, 2); }},
      {"mb1ic16ih16iw32oc8kh3sh2ph1oph1", "row mode with paired stores",
       [](const Summary& s) {
         return method_is(s, Method::phases) &&
                any_group(s, [](const Group& g) { return !g.pitch_mode && g.paired_stores; });
       }},
  };
  cpu::PlanOptions options;
  if (cpu::isa_supported(cpu::Isa::avx512))
    options.isa = cpu::Isa::avx512;
  else if (cpu::isa_supported(cpu::Isa::avx2))
    options.isa = cpu::Isa::avx2;
  else
    GTEST_SKIP() << "the facts are pinned for the vector ISAs";
  for (const auto& c : cases) {
    if (c.avx512_only && options.isa != cpu::Isa::avx512) continue;
    const Problem p = problem(c.problem);
    const Tensors t = make_tensors(p, DataMode::normal, 1);
    Result<cpu::Plan> plan = cpu::make_plan(p, t.w.data(), t.bias.data(), options);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_TRUE(c.holds(plan->summary())) << c.problem << ": expected " << c.fact << "; " << plan->describe();
  }
}

// The summary and the description agree: describe() is the summary in
// words.
TEST(CpuPlan, SummaryMatchesTheDescription) {
  const Problem p = problem("mb1ic24ih1iw40oc1kh1kw21sw10pw10opw9");
  const Tensors t = make_tensors(p, DataMode::normal, 1);
  Result<cpu::Plan> plan = cpu::make_plan(p, t.w.data(), t.bias.data());
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  const Summary s = plan->summary();
  EXPECT_EQ(s.isa, plan->isa());
  EXPECT_EQ(s.threads, plan->threads());
  ASSERT_EQ(s.method, cpu::Method::phases);
  ASSERT_FALSE(s.phase_groups.empty());
  const Group& g = s.phase_groups[0];
  const std::string group0 = "phase group 0: " + std::to_string(g.members) + " fused (" +
                             std::to_string(g.tail_members) + " with " + std::to_string(g.extra_taps) +
                             " more taps), " + std::to_string(g.row_taps) + "x" + std::to_string(g.column_taps) +
                             " taps, tile " + std::to_string(g.tile_rows) + "x" + std::to_string(g.tile_vectors);
  EXPECT_NE(plan->describe().find(group0), std::string::npos) << plan->describe();
  EXPECT_NE(plan->describe().find(std::to_string(s.tasks) + " tasks"), std::string::npos) << plan->describe();
}

}  // namespace
}  // namespace convt::testing
