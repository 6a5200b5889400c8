#include "harness/benchdnn.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <optional>

#include "harness/file_contents.h"
#include "harness/lists.h"
#include "reference/problem.h"
#include "reference/tokens.h"

namespace convt {
namespace {

// ---------------------------------------------------------------------------
// One problem: benchdnn's descriptor, and its conversion

enum Token { g, mb, ic, id, ih, iw, oc, od, oh, ow, kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw, kTokens };
constexpr std::array<const char*, kTokens> kTokenNames = {"g",  "mb", "ic", "id", "ih", "iw", "oc", "od",
                                                          "oh", "ow", "kd", "kh", "kw", "sd", "sh", "sw",
                                                          "pd", "ph", "pw", "dd", "dh", "dw"};

struct BenchdnnDescriptor {
  std::array<std::optional<int64_t>, kTokens> v;
  std::string name;

  bool any(std::initializer_list<Token> tokens) const {
    return std::any_of(tokens.begin(), tokens.end(), [&](Token t) { return v[t].has_value(); });
  }
};

std::string known_tokens() {
  std::string s;
  for (const char* name : kTokenNames) s += std::string(name) + " ";
  return s + "n\"name\"";
}

// The token syntax of reference/tokens.h, benchdnn's names, and n"name" to
// the end of the word.
Result<BenchdnnDescriptor> parse_descriptor_word(std::string_view text) {
  const auto error = [&](size_t position, const std::string& what) {
    return Error{"bad benchdnn problem '" + std::string(text) + "' at position " + std::to_string(position + 1) +
                 ": " + what};
  };
  BenchdnnDescriptor d;
  TokenScanner scan(text);
  while (scan.more()) {
    const size_t start = scan.position();
    if (scan.take("n")) {  // benchdnn: the name is the rest of the word
      std::string_view name = scan.rest();
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
      d.name = std::string(name);
      break;
    }
    std::string_view name;
    if (auto e = scan.name(name)) return error(e->position, e->what + " (tokens: " + known_tokens() + ")");
    const auto it = std::find(kTokenNames.begin(), kTokenNames.end(), name);
    if (it == kTokenNames.end())
      return error(start, "unknown token '" + std::string(name) + "' (tokens: " + known_tokens() + ")");
    const Token t = Token(it - kTokenNames.begin());
    if (d.v[t]) return error(start, "repeated token '" + std::string(name) + "'");
    int64_t value = 0;
    if (auto e = scan.number(name, start, value)) return error(e->position, e->what);
    d.v[t] = value;
  }
  return d;
}

__extension__ typedef __int128 Wide;  // sizes from a file: no int64 overflow while converting

// One spatial axis in benchdnn's terms.
struct Axis {
  const char* letter;  // "h" or "w"
  int64_t i = 1, k = 1, s = 1, p = 0, d = 0;
  std::optional<int64_t> o;
};

// PyTorch's output_padding for the axis, or why PyTorch cannot express it.
Result<int64_t> output_padding(const Axis& a) {
  const Wide pytorch = Wide(a.i - 1) * a.s - 2 * Wide(a.p) + Wide(a.k - 1) * (Wide(a.d) + 1) + 1;
  if (!a.o) return int64_t(0);
  const Wide op = Wide(*a.o) - pytorch, right = Wide(a.p) - op;
  const std::string o = std::string("o") + a.letter + std::to_string(*a.o);
  const auto cannot = [&](const std::string& why) {
    return Error{"PyTorch cannot express " + o + ": " + why + " (conv_transpose2d pads both sides by p" + a.letter +
                 std::to_string(a.p) + " and adds output_padding on the right only)"};
  };
  if (op < 0)
    return cannot("it is smaller than PyTorch's output size " + std::to_string(int64_t(pytorch)) +
                  ", i.e. benchdnn's right padding " + std::to_string(int64_t(right)) + " is larger than its left");
  const int64_t dilation = a.d + 1;
  if (op >= std::max<int64_t>(a.s, dilation))
    return cannot("it needs output_padding " + std::to_string(int64_t(op)) +
                  ", and PyTorch's must be smaller than either stride (" + std::to_string(a.s) +
                  ") or dilation (" + std::to_string(dilation) + ")");
  return int64_t(op);
}

struct Axes {
  Axis h{"h", 1, 1, 1, 0, 0, std::nullopt};
  Axis w{"w", 1, 1, 1, 0, 0, std::nullopt};
};

// The two axes with benchdnn's defaults, or why the descriptor is malformed.
Result<Axes> axes(const BenchdnnDescriptor& d) {
  const bool has_h = d.any({ih, oh, kh, sh, ph, dh}), has_w = d.any({iw, ow, kw, sw, pw, dw});
  const auto get = [&](Token t, int64_t fallback) { return d.v[t].value_or(fallback); };
  Axes a;
  if (has_h) {
    if (!d.v[ih] || !d.v[kh]) return Error{"benchdnn's problem needs ih and kh"};
    a.h = {"h", *d.v[ih], *d.v[kh], get(sh, 1), get(ph, 0), get(dh, 0), d.v[oh]};
  } else if (!has_w || !d.v[iw] || !d.v[kw]) {
    return Error{"benchdnn's problem needs ih and kh (or iw and kw for a 1-D problem)"};
  }
  if (!has_w) {
    a.w = a.h;
    a.w.letter = "w";
  } else {
    a.w = {"w", get(iw, a.h.i), get(kw, a.h.k), get(sw, a.h.s), get(pw, a.h.p), get(dw, a.h.d), d.v[ow]};
  }
  return a;
}

// The settings that apply to one expansion of a problem.
struct Applied {
  int64_t mb = 0;  // 0: the problem's own
  bool bias = true;
};

// PyTorch's problem for benchdnn's, or the reason it is skipped.
Result<Problem> convert(const BenchdnnDescriptor& d, const Axes& a, const Applied& s) {
  if (d.any({id, od, kd, sd, pd, dd}))
    return Error{"a 3-D problem (id, od, kd, sd, pd, dd): convt checks conv_transpose2d, which is 2-D"};
  Result<int64_t> op_h = output_padding(a.h);
  if (!op_h) return op_h.error();
  Result<int64_t> op_w = output_padding(a.w);
  if (!op_w) return op_w.error();
  Problem p;
  p.n = s.mb > 0 ? s.mb : d.v[mb].value_or(2);
  p.c_in = *d.v[ic];
  p.c_out = *d.v[oc];
  p.groups = d.v[g].value_or(1);
  p.h_in = a.h.i;
  p.w_in = a.w.i;
  p.kernel = {a.h.k, a.w.k};
  p.stride = {a.h.s, a.w.s};
  p.padding = {a.h.p, a.w.p};
  p.output_padding = {*op_h, *op_w};
  p.dilation = {a.h.d + 1, a.w.d + 1};
  p.bias = s.bias;
  if (auto e = validate(p)) return Error{"PyTorch refuses it: " + e->message};
  return p;
}

// ---------------------------------------------------------------------------
// Settings

// What a value of a setting means for the problems after it: nothing, or
// the reason they are skipped.
using SkipReason = std::optional<std::string>;

struct Setting {
  std::string name;                 // without "--"
  std::vector<std::string> values;  // the list as given
};

bool is_one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Settings that choose how benchdnn runs, not what it computes.
bool changes_nothing(std::string_view name) {
  return is_one_of(name, {"alg", "stag", "wtag", "dtag", "tag", "engine", "mode", "mode-modifier", "match",
                          "skip-impl", "impl", "allow-enum-tags-only", "max-ms-per-prb", "fix-times-per-prb",
                          "perf-template", "mem-check", "canonical", "ctx-init", "ctx-exe", "attr-scratchpad",
                          "attr-deterministic", "cold-cache", "start", "repeats-per-prb", "memory-kind",
                          "fast-ref", "fast-ref-gpu", "verbose", "summary", "cpu-isa-hints", "num-streams",
                          "execution-mode", "deconv"});
}

// The reason a value of a result-changing setting skips a problem.
SkipReason judge_value(const std::string& name, const std::string& value) {
  if (name == "mb") return std::nullopt;
  if (name == "dir") {
    if (is_one_of(value, {"FWD_B", "FWD_D", "FWD_I"})) return std::nullopt;
    return "--dir=" + value + ": convt checks conv_transpose2d's forward pass (FWD_B, FWD_D, FWD_I)";
  }
  if (name == "cfg" || name == "dt" || name == "bia-dt") {
    const bool f32 = value == "f32" || value == "f32:f32:f32" || (name == "bia-dt" && value == "undef");
    if (f32) return std::nullopt;
    return "--" + name + "=" + value + ": convt checks float32 (f32) only";
  }
  if (value.empty()) return std::nullopt;  // an attribute's empty value: none
  if (name == "attr-fpmath" || name == "attr-acc-mode") {
    if (value.substr(0, value.find(':')) == "strict") return std::nullopt;
    return "--" + name + "=" + value + " lets oneDNN compute with less precision than float32";
  }
  return "--" + name + "=" + value + " changes the result, and PyTorch's conv_transpose2d has no such attribute";
}

// ---------------------------------------------------------------------------
// Files

// One whitespace-separated word and the line it starts on; a double-quoted
// part may hold spaces (n"a name").
struct Word {
  std::string text;
  int line;
};

std::vector<Word> words(std::string_view text) {
  std::vector<Word> out;
  int line = 1;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else {
      Word w{"", line};
      bool quoted = false;
      for (; i < text.size() && (quoted || !std::isspace(static_cast<unsigned char>(text[i]))); ++i) {
        if (text[i] == '"') quoted = !quoted;
        if (text[i] == '\n') ++line;
        w.text += text[i];
      }
      out.push_back(std::move(w));
    }
  }
  return out;
}

constexpr int kMaxDepth = 16;
// benchdnn's other drivers: a file that switches to one holds no deconvolutions.
constexpr std::string_view kDrivers[] = {"conv",    "bnorm",   "binary",    "concat",  "eltwise", "ip",
                                         "lnorm",   "lrn",     "matmul",    "pool",    "prelu",   "reduction",
                                         "reorder", "resampling", "rnn",    "shuffle", "softmax", "sum",
                                         "zeropad", "brgemm",  "graph",     "self",    "gnorm"};

// Reads the words of a file and of the files it includes, with one set of
// settings throughout (benchdnn's are global too), into `batch`.
class Reader {
 public:
  BenchdnnBatch batch;

  std::optional<Error> read(std::string_view text, const std::string& file, int depth) {
    for (const Word& w : words(text)) {
      const std::string where = file + ":" + std::to_string(w.line);
      if (auto e = word(w.text, file, where, depth)) return Error{where + ": " + e->message};
    }
    return std::nullopt;
  }

 private:
  std::vector<Setting> settings_;  // in order of appearance, one per name

  std::optional<Error> word(const std::string& w, const std::string& file, const std::string& where, int depth) {
    if (w.rfind("--", 0) != 0) return problem(w, where);
    const size_t eq = w.find('=');
    const std::string name = w.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    std::string value = eq == std::string::npos ? "" : w.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    if (name == "reset") {
      settings_.clear();
    } else if (name == "batch") {
      return include(value, file, depth);
    } else if (std::find(std::begin(kDrivers), std::end(kDrivers), name) != std::end(kDrivers)) {
      return Error{w + " switches to benchdnn's " + name + " driver: convt reads deconvolution problems only"};
    } else if (name == "mb") {
      const auto digits = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
      for (const std::string& v : split_list(value))
        if (v.empty() || v.size() > 12 || !std::all_of(v.begin(), v.end(), digits))
          return Error{w + ": expected minibatch sizes, comma-separated (0: the problem's own)"};
      set(name, value);
    } else if (name == "dir") {
      for (const std::string& v : split_list(value))
        if (!is_one_of(v, {"FWD_B", "FWD_D", "FWD_I", "BWD_D", "BWD_W", "BWD_WB", "BWD_DW"}))
          return Error{w + ": unknown direction '" + v + "' (benchdnn's: FWD_B, FWD_D, FWD_I, BWD_D, BWD_W, BWD_WB)"};
      set(name, value);
    } else if (is_one_of(name, {"cfg", "dt", "bia-dt"}) || name.rfind("attr-", 0) == 0) {
      if (changes_nothing(name)) return std::nullopt;
      set(name, value);  // an attribute convt does not know is assumed to change the result
    } else if (!changes_nothing(name)) {
      batch.notes.push_back(where + ": " + w + " ignored (convt does not know it; it is assumed to change nothing)");
    }
    return std::nullopt;
  }

  void set(const std::string& name, const std::string& value) {
    for (Setting& s : settings_)
      if (s.name == name) {
        s.values = split_list(value);
        return;
      }
    settings_.push_back({name, split_list(value)});
  }

  std::optional<Error> include(const std::string& path, const std::string& file, int depth) {
    if (depth >= kMaxDepth)
      return Error{"--batch=" + path + ": batch files nest deeper than " + std::to_string(kMaxDepth) +
                   " (does one include itself?)"};
    const std::filesystem::path target =
        std::filesystem::path(path).is_absolute() ? std::filesystem::path(path)
                                                  : std::filesystem::path(file).parent_path() / path;
    Result<std::string> text = read_file(target.string());
    if (!text) return Error{"--batch=" + path + ": " + text.error().message};
    return read(*text, target.string(), depth + 1);
  }

  // Every combination of the settings' values, in order (the first setting
  // varying slowest): one problem each.
  std::optional<Error> problem(const std::string& text, const std::string& where) {
    Result<BenchdnnDescriptor> d = parse_descriptor_word(text);
    if (!d) return d.error();
    if (!d->v[ic] || !d->v[oc]) return Error{"bad benchdnn problem '" + text + "': it needs ic and oc"};
    Result<Axes> a = axes(*d);
    if (!a) return Error{"bad benchdnn problem '" + text + "': " + a.error().message};
    std::vector<size_t> choice(settings_.size(), 0);
    while (true) {
      expand(*d, *a, text, where, choice);
      size_t k = settings_.size();
      while (k > 0 && ++choice[k - 1] == settings_[k - 1].values.size()) choice[--k] = 0;
      if (k == 0) return std::nullopt;
    }
  }

  void expand(const BenchdnnDescriptor& d, const Axes& a, const std::string& text, const std::string& where,
              const std::vector<size_t>& choice) {
    Applied applied;
    std::vector<std::string> shown;  // the settings, as written, that apply
    SkipReason skip;
    for (size_t k = 0; k < settings_.size(); ++k) {
      const Setting& s = settings_[k];
      const std::string& value = s.values[choice[k]];
      shown.push_back("--" + s.name + "=" + value);
      if (s.name == "mb") applied.mb = value.empty() ? 0 : std::stoll(value);
      if (s.name == "dir") applied.bias = value == "FWD_B";
      if (!skip) skip = judge_value(s.name, value);
    }
    Result<Problem> p = skip ? Result<Problem>(Error{*skip}) : convert(d, a, applied);
    if (!p) {
      shown.push_back(text);
      batch.skipped.push_back({where, join_list(shown, " "), p.error().message});
      return;
    }
    SuiteEntry e;
    e.problem = *p;
    e.name = d.name;
    shown.insert(shown.begin(), "benchdnn " + where);
    e.source = join_list(shown, " ");
    batch.problems.push_back(std::move(e));
  }
};

}  // namespace

Result<BenchdnnBatch> parse_benchdnn(std::string_view text, const std::string& file) {
  Reader reader;
  if (auto e = reader.read(text, file, 0)) return *e;
  return std::move(reader.batch);
}

Result<BenchdnnBatch> load_benchdnn(const std::string& path) {
  Result<std::string> text = read_file(path);
  if (!text) return text.error();
  return parse_benchdnn(*text, path);
}

}  // namespace convt
