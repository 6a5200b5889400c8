// Unit tests of the one-line problem descriptor (reference/descriptor.h):
// the syntax, the defaults, the canonical form, every malformed descriptor
// (each error names the offending token and its 1-based position), and a
// RapidCheck round trip format_descriptor -> parse_problem over random legal
// problems, small and huge.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>

#include "reference/descriptor.h"
#include "reference/problem.h"
#include "tests/expect_contains.h"
#include "tests/problem_text.h"

namespace convt {

// How RapidCheck prints a Problem: its canonical descriptor (GoogleTest's
// PrintTo is in tests/problem_text.h).
inline void showValue(const Problem& p, std::ostream& os) { os << format_descriptor(p); }

}  // namespace convt

namespace convt::testing {
namespace {

// The message contains the text (gtest's own IsSubstring prints both on failure).
// The example of the header comment, field by field.
Problem example_problem() {
  Problem p;
  p.n = 2;
  p.c_in = 8;
  p.h_in = 5;
  p.w_in = 7;
  p.c_out = 12;
  p.kernel = {3, 2};
  p.stride = {2, 1};
  p.padding = {1, 0};
  p.output_padding = {1, 0};
  p.dilation = {1, 2};
  p.groups = 4;
  p.bias = true;
  return p;
}

constexpr const char* kExample = "mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4";

Problem parse_ok(const std::string& text) {
  Result<Problem> p = parse_problem(text);
  EXPECT_TRUE(p.ok()) << text << ": " << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : Problem{};
}

std::string parse_error(const std::string& text) {
  Result<Problem> p = parse_problem(text);
  EXPECT_FALSE(p.ok()) << text << " was accepted as " << (p.ok() ? format_descriptor(*p) : "");
  return p.ok() ? std::string() : p.error().message;
}

std::string syntax_error(const std::string& text) {
  Result<Descriptor> d = parse_descriptor(text);
  EXPECT_FALSE(d.ok()) << text << " parsed";
  return d.ok() ? std::string() : d.error().message;
}

// ---------------------------------------------------------------------------
// The example, the canonical form, the round trip

TEST(Descriptor, ExampleParsesFieldByField) {
  EXPECT_EQ(parse_ok(kExample), example_problem());
}

TEST(Descriptor, ExampleOutputSize) {
  const Problem p = parse_ok(kExample);
  // (5-1)*2 - 2*1 + 1*(3-1) + 1 + 1 = 10;  (7-1)*1 - 0 + 2*(2-1) + 0 + 1 = 9
  EXPECT_EQ(p.h_out(), 10);
  EXPECT_EQ(p.w_out(), 9);
}

TEST(Descriptor, CanonicalFormHasEveryFieldInOrder) {
  EXPECT_EQ(format_descriptor(example_problem()), kExample);
  // Defaults are printed too, never left out.
  EXPECT_EQ(format_descriptor(parse_ok("ic3ih4oc5kh2")), "mb1ic3ih4iw4oc5kh2kw2sh1sw1ph0pw0oph0opw0dh1dw1g1");
}

TEST(Descriptor, CanonicalFormPutsNobiasLast) {
  Problem p = example_problem();
  p.bias = false;
  EXPECT_EQ(format_descriptor(p), std::string(kExample) + "nobias");
  // Wherever nobias stood in the input, it is printed last.
  EXPECT_EQ(format_descriptor(parse_ok("nobias_ic3ih4oc5kh2")),
            "mb1ic3ih4iw4oc5kh2kw2sh1sw1ph0pw0oph0opw0dh1dw1g1nobias");
  EXPECT_EQ(format_descriptor(parse_ok("ic3nobiasih4oc5kh2")),
            "mb1ic3ih4iw4oc5kh2kw2sh1sw1ph0pw0oph0opw0dh1dw1g1nobias");
}

TEST(Descriptor, ParsePrintParseRoundTrip) {
  for (const char* text : {kExample, "ic1ih1oc1kh1", "mb0ic4ih3oc8kh3sh2g2nobias", "oc6kh5ic3ih9iw2sh3dw2",
                           "mb3_ic6_ih7_iw1_oc9_kh1_kw4_sh1_sw2_ph0_pw1_oph0_opw1_dh3_dw1_g3_nobias",
                           "ic2ih2oc2kh3sh1dh3oph2"}) {
    SCOPED_TRACE(text);
    const Problem first = parse_ok(text);
    const std::string canonical = format_descriptor(first);
    const Problem second = parse_ok(canonical);
    EXPECT_EQ(second, first);
    EXPECT_EQ(format_descriptor(second), canonical);
  }
}

TEST(Descriptor, TokenOrderDoesNotMatter) {
  EXPECT_EQ(parse_ok("kh3oc12ih5ic8"), parse_ok("ic8ih5oc12kh3"));
  EXPECT_EQ(parse_ok("g4dw2dh1opw0oph1pw0ph1sw1sh2kw2kh3oc12iw7ih5ic8mb2"), example_problem());
}

TEST(Descriptor, HugeLegalProblemRoundTrips) {
  const char* text = "mb3ic8ih512iw1oc16kh2kw1sh1099511627776sw1ph0pw0oph0opw0dh1000000000000dw1g8nobias";
  const Problem p = parse_ok(text);
  EXPECT_EQ(p.stride.h, 1099511627776);
  EXPECT_EQ(p.dilation.h, 1000000000000);
  EXPECT_EQ(format_descriptor(p), text);
}

TEST(Descriptor, LeadingZerosAndLargestInt64) {
  EXPECT_EQ(parse_ok("ic08ih005oc12kh3"), parse_ok("ic8ih5oc12kh3"));
  Result<Descriptor> d = parse_descriptor("ph9223372036854775807");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->get(Field::ph), std::numeric_limits<int64_t>::max());
}

// ---------------------------------------------------------------------------
// What parse_descriptor records: only the tokens given

TEST(Descriptor, RecordsOnlyTheTokensGiven) {
  Result<Descriptor> d = parse_descriptor("ic8ih5oc12kh3sh2nobias");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->get(Field::ic), 8);
  EXPECT_EQ(d->get(Field::ih), 5);
  EXPECT_EQ(d->get(Field::oc), 12);
  EXPECT_EQ(d->get(Field::kh), 3);
  EXPECT_EQ(d->get(Field::sh), 2);
  for (Field f : {Field::mb, Field::iw, Field::kw, Field::sw, Field::ph, Field::pw, Field::oph, Field::opw,
                  Field::dh, Field::dw, Field::g})
    EXPECT_FALSE(d->get(f).has_value()) << kFieldNames[size_t(f)];
  EXPECT_TRUE(d->nobias);
}

TEST(Descriptor, ParametersOnlyDescriptorParses) {
  // With --input/--weight the shapes come from arrays: a descriptor of
  // parameters alone is syntactically fine, but is not a problem.
  Result<Descriptor> d = parse_descriptor("sh2ph1oph1");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->get(Field::sh), 2);
  EXPECT_FALSE(d->get(Field::ic).has_value());
  Result<Problem> p = problem_from_descriptor(*d);
  ASSERT_FALSE(p.ok());
  EXPECT_CONTAINS(p.error().message, "lacks 'ic'");
}

// ---------------------------------------------------------------------------
// Defaults

TEST(DescriptorDefaults, MinimalDescriptor) {
  const Problem p = parse_ok("ic8ih5oc12kh3");
  EXPECT_EQ(p.n, 1);
  EXPECT_EQ(p.c_in, 8);
  EXPECT_EQ(p.h_in, 5);
  EXPECT_EQ(p.w_in, 5);  // iw = ih
  EXPECT_EQ(p.c_out, 12);
  EXPECT_EQ(p.kernel, (Pair{3, 3}));  // kw = kh
  EXPECT_EQ(p.stride, (Pair{1, 1}));
  EXPECT_EQ(p.padding, (Pair{0, 0}));
  EXPECT_EQ(p.output_padding, (Pair{0, 0}));
  EXPECT_EQ(p.dilation, (Pair{1, 1}));
  EXPECT_EQ(p.groups, 1);
  EXPECT_TRUE(p.bias);
}

TEST(DescriptorDefaults, WidthFollowsHeight) {
  const Problem p = parse_ok("ic4ih6oc4kh4sh3ph2oph1dh2");
  EXPECT_EQ(p.w_in, 6);
  EXPECT_EQ(p.kernel, (Pair{4, 4}));
  EXPECT_EQ(p.stride, (Pair{3, 3}));
  EXPECT_EQ(p.padding, (Pair{2, 2}));
  EXPECT_EQ(p.output_padding, (Pair{1, 1}));
  EXPECT_EQ(p.dilation, (Pair{2, 2}));
}

TEST(DescriptorDefaults, ExplicitWidthOverridesHeight) {
  const Problem p = parse_ok("ic4ih6iw2oc4kh4kw1sh3sw1ph2pw0oph1opw0dh2dw1");
  EXPECT_EQ(p.h_in, 6);
  EXPECT_EQ(p.w_in, 2);
  EXPECT_EQ(p.kernel, (Pair{4, 1}));
  EXPECT_EQ(p.stride, (Pair{3, 1}));
  EXPECT_EQ(p.padding, (Pair{2, 0}));
  EXPECT_EQ(p.output_padding, (Pair{1, 0}));
  EXPECT_EQ(p.dilation, (Pair{2, 1}));
}

TEST(DescriptorDefaults, WidthAloneDoesNotChangeHeight) {
  const Problem p = parse_ok("ic4ih6iw9oc4kh2kw5sw3pw1opw2dw4");
  EXPECT_EQ(p.h_in, 6);
  EXPECT_EQ(p.kernel.h, 2);
  EXPECT_EQ(p.stride, (Pair{1, 3}));
  EXPECT_EQ(p.padding, (Pair{0, 1}));
  EXPECT_EQ(p.output_padding, (Pair{0, 2}));
  EXPECT_EQ(p.dilation, (Pair{1, 4}));
}

TEST(DescriptorDefaults, BatchGroupsAndBias) {
  const Problem p = parse_ok("mb7ic6ih2oc9kh1g3nobias");
  EXPECT_EQ(p.n, 7);
  EXPECT_EQ(p.groups, 3);
  EXPECT_FALSE(p.bias);
}

// ---------------------------------------------------------------------------
// Separators

TEST(Descriptor, UnderscoresSeparateTokens) {
  const Problem plain = parse_ok("mb2ic8ih5oc12kh3sh2nobias");
  EXPECT_EQ(parse_ok("mb2_ic8_ih5_oc12_kh3_sh2_nobias"), plain);
  EXPECT_EQ(parse_ok("_mb2__ic8ih5_oc12kh3sh2nobias_"), plain);
  EXPECT_EQ(parse_ok("ic8_ih5_oc12_kh3"), parse_ok("ic8ih5oc12kh3"));
}

// ---------------------------------------------------------------------------
// Malformed descriptors: each names the offending token and its position.

TEST(DescriptorErrors, Empty) {
  const std::string m = syntax_error("");
  EXPECT_CONTAINS(m, "bad descriptor ''");
  EXPECT_CONTAINS(m, "empty");
}

TEST(DescriptorErrors, UnknownToken) {
  const std::string m = syntax_error("ic8ih5oc12kh3xy2");
  EXPECT_CONTAINS(m, "bad descriptor 'ic8ih5oc12kh3xy2' at position 14: unknown token 'xy'");
  EXPECT_CONTAINS(m, "(tokens: mb ic ih iw oc kh kw sh sw ph pw oph opw dh dw g nobias)");
}

TEST(DescriptorErrors, UnknownTokenAtStartAndAfterSeparator) {
  EXPECT_CONTAINS(syntax_error("mx2ic8"), "at position 1: unknown token 'mx'");
  EXPECT_CONTAINS(syntax_error("ic8_bias1"), "at position 5: unknown token 'bias'");
  // Benchdnn's dimension-less names are not convt's.
  EXPECT_CONTAINS(syntax_error("ic8ih5oc12k3"), "at position 11: unknown token 'k'");
  // Letters run together form one token.
  EXPECT_CONTAINS(syntax_error("ic8ihoc12kh3"), "at position 4: unknown token 'ihoc'");
}

TEST(DescriptorErrors, RepeatedToken) {
  EXPECT_CONTAINS(syntax_error("ic8ih5ic4oc12kh3"), "bad descriptor 'ic8ih5ic4oc12kh3' at position 7: repeated token 'ic'");
  EXPECT_CONTAINS(syntax_error("ic8ih5oc12kh3sh2_sh2"), "at position 18: repeated token 'sh'");
}

TEST(DescriptorErrors, RepeatedNobias) {
  EXPECT_CONTAINS(syntax_error("ic8ih5oc12kh3nobiasnobias"), "bad descriptor 'ic8ih5oc12kh3nobiasnobias' at position 20: repeated token 'nobias'");
  EXPECT_CONTAINS(syntax_error("nobias_ic8_nobias"), "at position 12: repeated token 'nobias'");
}

TEST(DescriptorErrors, TokenWithoutNumber) {
  EXPECT_CONTAINS(syntax_error("ic8ih5oc12kh"), "bad descriptor 'ic8ih5oc12kh' at position 11: token 'kh' needs a non-negative integer");
  EXPECT_CONTAINS(syntax_error("ic8ih_oc12kh3"), "at position 4: token 'ih' needs a non-negative integer");
  EXPECT_CONTAINS(syntax_error("g"), "at position 1: token 'g' needs a non-negative integer");
}

TEST(DescriptorErrors, NumberWithoutToken) {
  EXPECT_CONTAINS(syntax_error("8ic8ih5oc12kh3"), "bad descriptor '8ic8ih5oc12kh3' at position 1: a number without a token before it");
  EXPECT_CONTAINS(syntax_error("ic8_5ih5"), "at position 5: a number without a token before it");
  // After nobias (which takes no number) a number has no token.
  EXPECT_CONTAINS(syntax_error("ic8nobias1"), "at position 10: a number without a token before it");
}

TEST(DescriptorErrors, OverflowingNumber) {
  const std::string m = syntax_error("ic9223372036854775808ih5oc12kh3");
  EXPECT_CONTAINS(m, "at position 1: the number 9223372036854775808 of 'ic' does not fit a 64-bit integer");
  EXPECT_CONTAINS(syntax_error("ic8ph99999999999999999999999"), "at position 4: the number 99999999999999999999999 of 'ph' does not fit a 64-bit integer");
}

TEST(DescriptorErrors, UppercaseCharacter) {
  EXPECT_CONTAINS(syntax_error("ic8IH5oc12kh3"), "bad descriptor 'ic8IH5oc12kh3' at position 4: unexpected character 'I'");
  EXPECT_CONTAINS(syntax_error("IC8"), "at position 1: unexpected character 'I'");
}

TEST(DescriptorErrors, SpaceCharacter) {
  EXPECT_CONTAINS(syntax_error("ic8 ih5oc12kh3"), "at position 4: unexpected character ' '");
  EXPECT_CONTAINS(syntax_error(" ic8ih5oc12kh3"), "at position 1: unexpected character ' '");
  EXPECT_CONTAINS(syntax_error("ic8ih5oc12kh3 "), "at position 14: unexpected character ' '");
}

TEST(DescriptorErrors, MinusSign) {
  // A token followed by a minus sign has no (non-negative) number.
  EXPECT_CONTAINS(syntax_error("ic8ph-1ih5oc12kh3"), "at position 4: token 'ph' needs a non-negative integer after it");
  EXPECT_CONTAINS(syntax_error("-1"), "at position 1: unexpected character '-'");
  EXPECT_CONTAINS(syntax_error("ic8_-ih5"), "at position 5: unexpected character '-'");
}

TEST(DescriptorErrors, ZeroDilationNamesBenchdnnsCounting) {
  // benchdnn's dh0 is dense; convt's dilation is PyTorch's, where 0 is illegal.
  EXPECT_CONTAINS(syntax_error("ic4ih3oc4kh3dh0"),
                  "at position 13: dh0 is no dilation: convt's dh is PyTorch's dilation (1 is dense); benchdnn "
                  "counts from 0, so its dh0 is convt's dh1");
  EXPECT_CONTAINS(syntax_error("ic4ih3oc4kh3dh1dw0"), "at position 16: dw0 is no dilation");
  EXPECT_CONTAINS(syntax_error("sh2dw00"), "--benchdnn FILE");
  EXPECT_TRUE(parse_descriptor("ic4ih3oc4kh3dh1dw1").ok());
}

TEST(DescriptorErrors, OtherPunctuation) {
  EXPECT_CONTAINS(syntax_error("ic8,ih5"), "at position 4: unexpected character ','");
  EXPECT_CONTAINS(syntax_error("ic8+ih5"), "at position 4: unexpected character '+'");
}

TEST(DescriptorErrors, ErrorsAreReportedThroughParseProblem) {
  EXPECT_CONTAINS(parse_error("ic8ih5ic4oc12kh3"), "at position 7: repeated token 'ic'");
}

TEST(DescriptorErrors, MissingRequiredTokens) {
  EXPECT_EQ(parse_error("ih5oc12kh3"),
            "descriptor 'ih5oc12kh3': descriptor lacks 'ic' (ic, ih, oc and kh have no default)");
  EXPECT_EQ(parse_error("ic8oc12kh3"),
            "descriptor 'ic8oc12kh3': descriptor lacks 'ih' (ic, ih, oc and kh have no default)");
  EXPECT_EQ(parse_error("ic8ih5kh3"),
            "descriptor 'ic8ih5kh3': descriptor lacks 'oc' (ic, ih, oc and kh have no default)");
  EXPECT_EQ(parse_error("ic8ih5oc12"),
            "descriptor 'ic8ih5oc12': descriptor lacks 'kh' (ic, ih, oc and kh have no default)");
  // The width alone does not stand in for the height.
  EXPECT_CONTAINS(parse_error("ic8iw5oc12kh3"), "lacks 'ih'");
  EXPECT_CONTAINS(parse_error("ic8ih5oc12kw3"), "lacks 'kh'");
  EXPECT_CONTAINS(parse_error("_"), "lacks 'ic'");
}

TEST(DescriptorErrors, InvalidProblemNamesTheDescriptorAndPyTorchsReason) {
  EXPECT_EQ(parse_error("ic8ih5oc12kh3sh0"), "descriptor 'ic8ih5oc12kh3sh0': non-positive stride is not supported");
}

// ---------------------------------------------------------------------------
// Shapes from arrays: arguments_with_shapes and check_shape_tokens

TEST(DescriptorShapes, ArgumentsWithShapesAppliesParameterDefaults) {
  Result<Descriptor> d = parse_descriptor("sh2ph1oph1dw3g2");
  ASSERT_TRUE(d.ok());
  const Arguments a = arguments_with_shapes(*d, {1, 4, 5, 6}, {4, 3, 3, 2}, std::vector<int64_t>{6});
  EXPECT_EQ(a.input, (std::vector<int64_t>{1, 4, 5, 6}));
  EXPECT_EQ(a.weight, (std::vector<int64_t>{4, 3, 3, 2}));
  ASSERT_TRUE(a.bias.has_value());
  EXPECT_EQ(*a.bias, (std::vector<int64_t>{6}));
  EXPECT_EQ(a.stride, (Pair{2, 2}));
  EXPECT_EQ(a.padding, (Pair{1, 1}));
  EXPECT_EQ(a.output_padding, (Pair{1, 1}));
  EXPECT_EQ(a.dilation, (Pair{1, 3}));
  EXPECT_EQ(a.groups, 2);
  Result<Problem> p = problem_from_arguments(a);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(format_descriptor(*p), "mb1ic4ih5iw6oc6kh3kw2sh2sw2ph1pw1oph1opw1dh1dw3g2");
}

TEST(DescriptorShapes, ShapeTokensMustAgreeWithArrays) {
  const Problem p = parse_ok("mb2ic4ih5iw6oc6kh3kw2g2");
  const auto check = [&](const char* text) {
    Result<Descriptor> d = parse_descriptor(text);
    EXPECT_TRUE(d.ok());
    return check_shape_tokens(*d, p);
  };
  EXPECT_FALSE(check("sh1").has_value());
  EXPECT_FALSE(check("mb2ic4ih5iw6oc6kh3kw2g2").has_value());
  // ih given without iw: only the given token is compared (iw6 != ih5 is fine).
  EXPECT_FALSE(check("ih5").has_value());
  const std::pair<const char*, const char*> wrong[] = {
      {"mb3", "the descriptor says mb3 but the arrays give mb2"},
      {"ic8", "the descriptor says ic8 but the arrays give ic4"},
      {"ih6", "the descriptor says ih6 but the arrays give ih5"},
      {"iw5", "the descriptor says iw5 but the arrays give iw6"},
      {"oc3", "the descriptor says oc3 but the arrays give oc6"},
      {"kh2", "the descriptor says kh2 but the arrays give kh3"},
      {"kw3", "the descriptor says kw3 but the arrays give kw2"},
      {"nobias", "the descriptor says nobias but a bias array was given"}};
  for (const auto& [text, message] : wrong) {
    const std::optional<Error> e = check(text);
    ASSERT_TRUE(e.has_value()) << text;
    EXPECT_EQ(e->message, message);
  }
  Problem without_bias = p;
  without_bias.bias = false;
  Result<Descriptor> d = parse_descriptor("nobias");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(check_shape_tokens(*d, without_bias).has_value());
}

// ---------------------------------------------------------------------------
// Property: format_descriptor then parse_problem gives the same Problem.

// A random legal problem: small values most of the time, and large ones
// some of the time, so that the printing of long numbers is exercised too.
// The ranges keep every tensor below 2^56 elements (output: 4 * 2^12
// channels * (2^21)^2), so every problem is legal; nothing is allocated.
rc::Gen<Problem> legal_problem() {
  return rc::gen::exec([] {
    const auto value = [](int64_t lo, int64_t small_hi, int64_t big_hi) {
      return *rc::gen::oneOf(rc::gen::inRange<int64_t>(lo, small_hi + 1),
                             rc::gen::inRange<int64_t>(lo, big_hi + 1));
    };
    Problem p;
    p.n = *rc::gen::inRange<int64_t>(0, 5);
    p.groups = value(1, 4, 64);
    p.c_in = p.groups * value(1, 4, 64);
    p.c_out = p.groups * value(1, 4, 64);
    p.h_in = value(1, 9, 1024);
    p.w_in = value(1, 9, 1024);
    p.kernel = {value(1, 5, 64), value(1, 5, 64)};
    p.stride = {value(1, 4, 1024), value(1, 4, 1024)};
    p.dilation = {value(1, 4, 1024), value(1, 4, 1024)};
    p.output_padding = {*rc::gen::inRange<int64_t>(0, std::max(p.stride.h, p.dilation.h)),
                        *rc::gen::inRange<int64_t>(0, std::max(p.stride.w, p.dilation.w))};
    const auto max_padding = [](int64_t in, int64_t s, int64_t d, int64_t k, int64_t op) {
      return ((in - 1) * s + d * (k - 1) + op) / 2;  // keeps the output extent >= 1
    };
    p.padding = {
        *rc::gen::inRange<int64_t>(0, max_padding(p.h_in, p.stride.h, p.dilation.h, p.kernel.h,
                                                  p.output_padding.h) + 1),
        *rc::gen::inRange<int64_t>(0, max_padding(p.w_in, p.stride.w, p.dilation.w, p.kernel.w,
                                                  p.output_padding.w) + 1)};
    p.bias = *rc::gen::arbitrary<bool>();
    return p;
  });
}

RC_GTEST_PROP(DescriptorProperty, FormatThenParseGivesTheSameProblem, ()) {
  const Problem p = *legal_problem();
  RC_ASSERT(!validate(p).has_value());  // the generator makes legal problems only
  const std::string text = format_descriptor(p);
  const Result<Problem> parsed = parse_problem(text);
  RC_ASSERT(parsed.ok());
  RC_ASSERT(*parsed == p);
  RC_ASSERT(format_descriptor(*parsed) == text);
  // The canonical form is every field in order, then nobias iff no bias.
  RC_ASSERT(text.rfind("mb", 0) == 0);
  RC_ASSERT((text.size() >= 6 && text.compare(text.size() - 6, 6, "nobias") == 0) == !p.bias);
}

RC_GTEST_PROP(DescriptorProperty, UnderscoresBetweenTokensChangeNothing, ()) {
  const Problem p = *legal_problem();
  std::string text = format_descriptor(p);
  // Insert '_' before every token (each token starts at a letter after a digit).
  std::string separated;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i > 0 && std::isalpha(static_cast<unsigned char>(text[i])) &&
        std::isdigit(static_cast<unsigned char>(text[i - 1])))
      separated += '_';
    separated += text[i];
  }
  const Result<Problem> parsed = parse_problem(separated);
  RC_ASSERT(parsed.ok());
  RC_ASSERT(*parsed == p);
}

}  // namespace
}  // namespace convt::testing
