// convt run: one problem through one backend (or plugin), with generated
// data or the user's own .npy arrays (shapes then come from the arrays, as in
// PyTorch); or, with --expect, an output computed elsewhere judged against
// the oracle as convt check judges a backend.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>

#include "harness/backend.h"
#include "harness/check_case.h"
#include "harness/cli/command.h"
#include "harness/cli/common_options.h"
#include "harness/conformance.h"
#include "harness/data.h"
#include "harness/npy.h"
#include "reference/descriptor.h"
#include "reference/oracle.h"

namespace convt::cli {
namespace {

struct RunOptions {
  CommonOptions common;  // --backend (one name) or --plugin (one), --seed, --threads
  std::string problem;
  std::string input, weight, bias;
  std::string data = "normal";
  std::string output;
  std::string output_dtype = "float32";
  std::string save_inputs;
  std::string expect;  // judge this output instead of running a backend
};

struct Case {
  Problem problem;
  Tensors tensors;
  bool unbatched = false;
  std::string origin;  // where the data came from, for the summary
  bool exact = false;  // generated exact data: outputs must match bitwise
};

Result<std::vector<float>> load_float32(const std::string& path, std::vector<int64_t>& shape) {
  Result<NpyArray> a = read_npy(path, Accept::float32);
  if (!a) return a.error();
  shape = a->shape;
  return float32_values(*a, path);
}

Result<Case> case_from_arrays(const RunOptions& o, const Descriptor& d) {
  if (o.input.empty() || o.weight.empty())
    return Error{"--input and --weight go together (the shapes come from both arrays)"};
  Case c;
  std::vector<int64_t> x_shape, w_shape, b_shape;
  Result<std::vector<float>> x = load_float32(o.input, x_shape);
  if (!x) return x.error();
  Result<std::vector<float>> w = load_float32(o.weight, w_shape);
  if (!w) return w.error();
  std::optional<std::vector<int64_t>> bias_shape;
  if (!o.bias.empty()) {
    Result<std::vector<float>> b = load_float32(o.bias, b_shape);
    if (!b) return b.error();
    c.tensors.bias = std::move(b).value();
    bias_shape = b_shape;
  }
  Result<Problem> p = problem_from_arguments(arguments_with_shapes(d, x_shape, w_shape, bias_shape));
  if (!p) return Error{"input " + format_shape(x_shape) + ", weight " + format_shape(w_shape) + ": " +
                       p.error().message};
  if (auto e = check_shape_tokens(d, *p)) return *e;
  c.problem = *p;
  c.tensors.x = std::move(x).value();
  c.tensors.w = std::move(w).value();
  c.unbatched = x_shape.size() == 3;
  c.origin = o.input + ", " + o.weight + (o.bias.empty() ? "" : ", " + o.bias);
  return c;
}

Result<Case> case_from_descriptor(const RunOptions& o, const Descriptor& d) {
  if (!o.bias.empty()) return Error{"--bias needs --input and --weight"};
  Result<Problem> p = problem_from_descriptor(d);
  if (!p) return Error{"--problem '" + o.problem + "': " + p.error().message};
  if (auto e = validate(*p)) return Error{"--problem '" + o.problem + "': " + e->message};
  Result<DataMode> mode = parse_data_mode(o.data);
  if (!mode) return mode.error();
  Case c;
  c.problem = *p;
  c.tensors = make_tensors(c.problem, *mode, o.common.seed);
  c.exact = *mode == DataMode::exact;
  c.origin = std::string(data_mode_name(*mode)) + " data, seed " + std::to_string(o.common.seed);
  return c;
}

std::vector<int64_t> shape_as_given(const std::array<int64_t, 4>& dims, bool unbatched) {
  return unbatched ? std::vector<int64_t>(dims.begin() + 1, dims.end())
                   : std::vector<int64_t>(dims.begin(), dims.end());
}

std::optional<Error> save_inputs(const std::string& dir, const Case& c) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{dir + ": cannot create directory: " + ec.message()};
  const Problem& p = c.problem;
  if (auto e = write_npy(dir + "/x.npy", shape_as_given(p.input_shape(), c.unbatched), c.tensors.x)) return e;
  const auto ws = p.weight_shape();
  if (auto e = write_npy(dir + "/w.npy", {ws.begin(), ws.end()}, c.tensors.w)) return e;
  if (p.bias)
    if (auto e = write_npy(dir + "/b.npy", {p.c_out}, c.tensors.bias)) return e;
  return std::nullopt;
}

// --expect: the file's output judged against the oracle, bitwise on exact
// data and within the rigorous bound otherwise; exit 1 when it fails.
int judge(const RunOptions& o, const Case& c) {
  const Problem& p = c.problem;
  std::vector<int64_t> shape;
  Result<std::vector<float>> y = load_float32(o.expect, shape);
  if (!y) return bad_input(y.error());
  const std::vector<int64_t> out_shape = shape_as_given(p.output_shape(), c.unbatched);
  if (shape != out_shape)
    return bad_input(Error{"--expect " + o.expect + ": its shape is " + format_shape(shape) + ", the output of " +
                           format_descriptor(p) + " is " + format_shape(out_shape)});
  MathMode math;
  const bool tf32 = o.common.tf32 == "on";
  if (tf32) math.input_roundoff = kTf32Truncation;
  const CaseResult r = judge_output(p, c.tensors, *y, c.exact, math);
  std::cout << std::setprecision(9) << "problem   " << format_descriptor(p) << '\n'
            << "data      " << c.origin << '\n'
            << "output    " << format_shape(out_shape) << ", " << y->size() << " elements\n"
            << "expect    " << o.expect << ", judged "
            << (c.exact ? "bitwise against the oracle (exact data)"
                        : std::string("against the oracle within the rigorous bound of ") +
                              (tf32 ? "TF32 inputs (truncated: 2^-10)" : "float32"))
            << '\n'
            << "verdict   " << verdict_name(r.verdict) << (r.reason.empty() ? "" : ": " + r.reason) << '\n'
            << describe_mismatches(r, !c.exact);
  if (!c.exact) std::cout << "largest error/bound " << std::setprecision(3) << r.comparison.worst_ratio << '\n';
  return r.verdict == Verdict::failed ? kCheckFailed : kSuccess;
}

int run(const RunOptions& o) {
  Result<Descriptor> d = parse_descriptor(o.problem);
  if (!d) return bad_input(d.error());
  const bool from_arrays = !o.input.empty() || !o.weight.empty();
  Result<Case> made = from_arrays ? case_from_arrays(o, *d) : case_from_descriptor(o, *d);
  if (!made) return bad_input(made.error());
  const Case& c = *made;
  const Problem& p = c.problem;
  if (!o.expect.empty()) {
    if (!o.save_inputs.empty())
      if (auto e = save_inputs(o.save_inputs, c)) return bad_input(*e);
    return judge(o, c);
  }
  if (o.output_dtype == "float64" && (o.common.backends != "reference" || !o.common.plugins.empty()))
    return bad_input(Error{"--output-dtype float64 needs --backend reference: only the oracle computes in double"});
  const BackendOptions options = backend_options(o.common);
  // --plugin, else --backend (reference by default).
  Result<std::vector<NamedBackend>> backends =
      make_backends(o.common.plugins.empty() ? o.common.backends : "", o.common.plugins, options);
  if (!backends) return bad_input(backends.error());
  NamedBackend& backend = backends.value().front();

  const float* bias = p.bias ? c.tensors.bias.data() : nullptr;
  std::vector<float> y(static_cast<size_t>(p.output_elements()));
  std::vector<double> y64;
  if (o.output_dtype == "float64") {
    y64 = conv_transpose2d_oracle(p, c.tensors.x.data(), c.tensors.w.data(), bias);
    std::transform(y64.begin(), y64.end(), y.begin(), [](double v) { return float(v); });
  } else if (auto e = run_once(*backend.backend, p, c.tensors.x.data(), c.tensors.w.data(), bias, y.data())) {
    std::cerr << "convt: backend " << backend.name << " failed: " << e->message << '\n';
    return kCheckFailed;
  }

  const std::vector<int64_t> out_shape = shape_as_given(p.output_shape(), c.unbatched);
  double sum = 0, sum_abs = 0;
  for (float v : y) {
    sum += v;
    sum_abs += std::fabs(v);
  }
  const auto [lo, hi] = std::minmax_element(y.begin(), y.end());
  std::cout << std::setprecision(9) << "problem   " << format_descriptor(p) << '\n'
            << "backend   " << backend.name
            << (backend.backend->choice().empty() ? "" : " (" + backend.backend->choice() + ")") << '\n'
            << "data      " << c.origin << '\n'
            << "input     " << format_shape(shape_as_given(p.input_shape(), c.unbatched)) << '\n'
            << "output    " << format_shape(out_shape) << ", " << y.size() << " elements\n";
  if (!y.empty())
    std::cout << "values    sum " << sum << ", sum|y| " << sum_abs << ", min " << *lo << ", max " << *hi << '\n';

  if (!o.save_inputs.empty()) {
    if (auto e = save_inputs(o.save_inputs, c)) return bad_input(*e);
    std::cout << "wrote     " << o.save_inputs << "/x.npy, w.npy" << (p.bias ? ", b.npy" : "") << '\n';
  }
  if (!o.output.empty()) {
    auto e = y64.empty() ? write_npy(o.output, out_shape, std::span<const float>(y))
                         : write_npy(o.output, out_shape, std::span<const double>(y64));
    if (e) return bad_input(*e);
    std::cout << "wrote     " << o.output << " (" << o.output_dtype << ")\n";
  }
  return kSuccess;
}

}  // namespace

void add_run_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Run one problem through one backend");
  cmd->add_option("--problem", o->problem,
                  "Problem descriptor, e.g. mb2ic8ih5oc12kh3sh2ph1oph1; with --input/--weight only "
                  "the parameters (e.g. sh2ph1oph1)")
      ->required();
  CLI::Option* input = cmd->add_option("--input", o->input, "Input x as float32 .npy, (N, C_in, H, W) or (C_in, H, W)");
  cmd->add_option("--weight", o->weight, "Weight as float32 .npy, (C_in, C_out/groups, kH, kW)");
  cmd->add_option("--bias", o->bias, "Bias as float32 .npy, (C_out); without it no bias is used");
  CLI::Option* data = cmd->add_option("--data", o->data, "Generated data: normal, exact, special, scaled or mixed")
                          ->check(CLI::IsMember({"normal", "exact", "special", "scaled", "mixed"}))
                          ->capture_default_str();
  // --backend, --plugin, --seed, --threads: after --input, which CLI11 then
  // names first when both are given ("--input excludes --seed").
  o->common.backends = "reference";
  add_common_options(cmd, o->common,
                     {.backend = "Backend (see convt list)",
                      .plugins = true,
                      .seed = "Seed of the generated data",
                      .threads = "Threads of the backend (0: all cores)",
                      .math = true});
  input->excludes(cmd->get_option("--seed"))->excludes(data);
  CLI::Option* backend = cmd->get_option("--backend");
  CLI::Option* plugin = cmd->get_option("--plugin");
  plugin->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::Throw)->excludes(backend);
  CLI::Option* output = cmd->add_option("--output", o->output, "Write the output y as .npy");
  CLI::Option* dtype =
      cmd->add_option("--output-dtype", o->output_dtype, "float32, or float64 (the oracle's own values)")
          ->check(CLI::IsMember({"float32", "float64"}))
          ->capture_default_str();
  cmd->add_option("--save-inputs", o->save_inputs, "Write x.npy, w.npy and b.npy into this directory");
  cmd->add_option("--expect", o->expect,
                      "Judge this float32 .npy output (computed elsewhere) against the oracle instead of running "
                      "a backend; exit 1 when it fails")
          ->excludes(backend)
          ->excludes(plugin)
          ->excludes(output)
          ->excludes(dtype);
  cmd->get_option("--tf32")->description(
      "on|off: allow TF32 tensor cores (cuDNN's engines noted TENSOR_CORE); with --expect, judge by the bound of "
      "TF32 inputs (truncated: 2^-10)");
  cmd->callback([o, &action] { action = [o] { return run(*o); }; });
}

}  // namespace convt::cli
