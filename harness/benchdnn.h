// oneDNN benchdnn's deconvolution batch files, read as they are written and
// converted to PyTorch's conv_transpose2d (convt check/bench --benchdnn,
// convt fuzz --benchdnn).
//
// A file is whitespace-separated words; '#' starts a comment to the end of
// its line. A word is
//   - a setting, --NAME=VALUE (a list, comma-separated), which applies to
//     every problem after it, through --batch files too, until --reset:
//     --mb (0: the problem's own), --dir, --cfg and --dt, and the attributes
//     (--attr-*); settings that only choose how benchdnn runs (--alg,
//     --stag, --engine, --mode, ...) change nothing here, and settings convt
//     does not know are ignored and listed as notes;
//   - --batch=FILE: that file's words, here (FILE relative to this file);
//   - a problem: benchdnn's descriptor, tokens
//       g mb ic id ih iw oc od oh ow kd kh kw sd sh sw pd ph pw dd dh dw n"name"
//     with benchdnn's defaults: mb 2, g 1, stride 1, padding 0, dilation 0
//     (benchdnn counts it from 0: 0 is dense), the w-dims those of h when
//     no w-token is given (only w-tokens: a 1-D problem, h = 1), a missing
//     output size computed.
// A problem is run for every combination of the list settings' values.
//
// To PyTorch's conv_transpose2d: dilation = benchdnn's + 1; padding = the
// left padding; benchdnn derives its right padding from the output size it
// is given, oh = (ih-1)*sh - ph - ph_right + (kh-1)*(dh+1) + 1, which PyTorch
// expresses as output_padding = ph - ph_right, the output size minus
// PyTorch's size with padding ph. The bias comes from --dir: FWD_B has one,
// FWD_D and FWD_I none.
//
// Skipped, each with its reason: what PyTorch cannot express (an output
// smaller than PyTorch's size, i.e. benchdnn's right padding larger than the
// left; an output_padding not below stride or dilation; 3-D problems), what
// convt does not check (backward directions, data types other than f32,
// attributes that change the result: post-ops, scales, zero points, a
// non-strict fpmath or accumulation mode), and what PyTorch refuses.
// Malformed input (an unknown token, a missing ic, an unreadable --batch
// file, another benchdnn driver) is an error naming the file and line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/suite.h"
#include "reference/result.h"

namespace convt {

struct BenchdnnSkip {
  std::string where;    // "FILE:LINE"
  std::string problem;  // as written, after the settings that apply to it
  std::string reason;
};

struct BenchdnnBatch {
  std::vector<SuiteEntry> problems;  // name: benchdnn's n"name"; source: "benchdnn FILE:LINE [settings]"
  std::vector<BenchdnnSkip> skipped;
  std::vector<std::string> notes;    // "FILE:LINE: --NAME=VALUE ignored (...)"
};

// `file` names the text in messages; --batch files are found relative to
// its folder.
Result<BenchdnnBatch> parse_benchdnn(std::string_view text, const std::string& file);
Result<BenchdnnBatch> load_benchdnn(const std::string& path);

}  // namespace convt
