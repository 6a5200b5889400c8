// convt's validation (problem_from_arguments) against PyTorch's verdicts in
// validation.json: tests/golden/generate.py called F.conv_transpose2d (torch
// 1.13) on zero tensors of each entry's shapes and recorded whether it ran
// (and the output shape) or refused (and the first line of its message).
// Entries cover every rule alone, pairs of rules (which pins the order of
// the checks), legal corner cases and random argument sets.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reference/problem.h"

namespace {

using nlohmann::json;

const json& validation() {
  static const json doc = [] {
    std::ifstream in(std::string(CONVT_GOLDEN_DIR) + "/validation.json");
    if (!in) return json();
    return json::parse(in, nullptr, /*allow_exceptions=*/false);
  }();
  return doc;
}

const json& entries() {
  static const json none = json::array();
  const json& doc = validation();
  return doc.is_object() && doc.contains("entries") ? doc["entries"] : none;
}

convt::Pair pair_of(const json& j) { return {j.at(0).get<int64_t>(), j.at(1).get<int64_t>()}; }

convt::Arguments arguments_of(const json& e) {
  convt::Arguments a;
  a.input = e.at("input").get<std::vector<int64_t>>();
  a.weight = e.at("weight").get<std::vector<int64_t>>();
  if (!e.at("bias").is_null()) a.bias = e.at("bias").get<std::vector<int64_t>>();
  a.stride = pair_of(e.at("stride"));
  a.padding = pair_of(e.at("padding"));
  a.output_padding = pair_of(e.at("output_padding"));
  a.dilation = pair_of(e.at("dilation"));
  a.groups = e.at("groups").get<int64_t>();
  return a;
}

// PyTorch prints the weight's size in the "divisible by" message with
// doubled brackets ("[[4, 3, 3, 2]]"), an artifact of how it formats the
// sizes; convt prints "[4, 3, 3, 2]" as in its other messages.
std::string normalized(std::string message) {
  if (message.find("expected weight to be divisible by") == std::string::npos) return message;
  for (const char* twice : {"[[", "]]"})
    for (size_t at; (at = message.find(twice)) != std::string::npos;) message.erase(at, 1);
  return message;
}

// convt's output shape as PyTorch reports it (3-D for an unbatched input).
std::vector<int64_t> output_shape(const convt::Problem& p, size_t input_rank) {
  const auto s = p.output_shape();
  std::vector<int64_t> shape(s.begin(), s.end());
  if (input_rank == 3) shape.erase(shape.begin());
  return shape;
}

// Compares convt's verdict with one recorded torch verdict; returns whether
// they agree (failures are reported through gtest).
bool agrees(const json& e, const json& verdict, bool ignore_batch) {
  const convt::Arguments args = arguments_of(e);
  const convt::Result<convt::Problem> mine = convt::problem_from_arguments(args);
  const bool torch_ok = verdict.at("ok").get<bool>();
  if (torch_ok != mine.ok()) {
    ADD_FAILURE() << (torch_ok ? "PyTorch accepts, convt refuses: " + mine.error().message
                               : "PyTorch refuses (" + verdict.at("error").get<std::string>() +
                                     "), convt accepts");
    return false;
  }
  if (torch_ok) {
    std::vector<int64_t> theirs = verdict.at("output").get<std::vector<int64_t>>();
    std::vector<int64_t> ours = output_shape(mine.value(), args.input.size());
    if (ignore_batch && !theirs.empty() && !ours.empty()) theirs[0] = ours[0];
    EXPECT_EQ(ours, theirs) << "output shape: convt's (left) vs PyTorch's (right)";
    return ours == theirs;
  }
  const std::string theirs = normalized(verdict.at("error").get<std::string>());
  EXPECT_EQ(mine.error().message, theirs) << "message: convt's (left) vs PyTorch's (right)";
  return mine.error().message == theirs;
}

TEST(GoldenValidation, AgreesWithPyTorch) {
  ASSERT_FALSE(entries().empty()) << CONVT_GOLDEN_DIR << "/validation.json is missing or malformed";
  std::map<std::string, int> checked, disagreed;
  int accepted = 0;
  for (const json& e : entries()) {
    if (e.value("n0_quirk", false)) continue;
    SCOPED_TRACE(e.value("kind", "?") + " " + e.value("name", "?") + ": " + e.dump());
    const std::string kind = e.value("kind", "?");
    ++checked[kind];
    accepted += e.at("torch").at("ok").get<bool>();
    if (!agrees(e, e.at("torch"), /*ignore_batch=*/false)) ++disagreed[kind];
  }
  int total = 0;
  std::cout << "validation entries checked against PyTorch:";
  for (const auto& [kind, n] : checked) {
    std::cout << ' ' << kind << '=' << n;
    total += n;
  }
  std::cout << " (total " << total << ", " << accepted << " accepted by PyTorch)\n";
  for (const auto& [kind, n] : disagreed) std::cout << "  disagreements in " << kind << ": " << n << '\n';
}

// Documented deviation: for an empty batch (N = 0) PyTorch 1.13 skips its
// kernel-level checks (kernel size, dilation, output padding, empty weight,
// output size) and then accepts, or fails with an unrelated error. convt
// applies every rule for every N (reference/problem.cpp), so for these
// arguments it must give PyTorch's verdict for the same arguments with N = 1.
TEST(GoldenValidation, EmptyBatchFollowsTheBatchOfOneVerdict) {
  int checked = 0;
  for (const json& e : entries()) {
    if (!e.value("n0_quirk", false)) continue;
    SCOPED_TRACE("n0_quirk " + e.value("name", "?") + ": " + e.dump());
    ASSERT_TRUE(e.contains("torch_n1"));
    ASSERT_EQ(e.at("input").size(), 4u);
    ASSERT_EQ(e.at("input").at(0).get<int64_t>(), 0);
    ++checked;
    agrees(e, e.at("torch_n1"), /*ignore_batch=*/true);
  }
  std::cout << "n0_quirk entries checked against PyTorch's N = 1 verdict: " << checked << '\n';
  EXPECT_GE(checked, 3) << "keep a handful of N = 0 quirks to document the deviation";
}

TEST(GoldenValidation, CoversEveryKind) {
  std::map<std::string, int> count;
  int accepted = 0, refused = 0;
  for (const json& e : entries()) {
    ++count[e.value("kind", "?")];
    if (!e.value("n0_quirk", false)) (e.at("torch").at("ok").get<bool>() ? accepted : refused)++;
  }
  EXPECT_GE(count["single_rule"], 25);
  EXPECT_GE(count["pair"], 50);
  EXPECT_GE(count["corner"], 10);
  EXPECT_GE(count["random"], 200);
  EXPECT_GE(accepted, 50);
  EXPECT_GE(refused, 50);
}

}  // namespace
