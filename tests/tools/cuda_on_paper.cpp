// cuda_on_paper: what convt's CUDA kernels can reach on an H200, on paper,
// for each layer of a suite (configs/real_shapes.json by default).
//
//   cuda_on_paper [--config FILE] [--resources FILE|-] [--registers NAME=N]...
//                 [--l2-tbps X]
//
// --resources reads the JSON of tools/cuda_resources.py --json (its sm_90
// kernels) for the registers per thread of each kernel; --registers gives
// one by hand (NAME as that script prints it, e.g. run_steps<DirectKernel>).
// A kernel without a register count is taken to be limited by its threads
// and shared memory only, and the tables say so.
//
// The model (docs/cuda_kernels.md), per layer and kernel:
//   FLOPs       2 x the products that land in the output (cropped taps and
//               inserted zeros not counted);
//   compulsory  x, w, y and the bias moved once, 4 bytes each;
//   DRAM roof   min(1, FLOPs / compulsory x DRAM bandwidth / peak);
//   waves       blocks over SMs x blocks per SM; the wave efficiency is
//               blocks / (waves x SMs x blocks per SM);
//   direct      FP32 on CUDA cores with two global loads per FMA. L1 and
//               shared memory serve one wavefront (up to 128 bytes) per
//               clock per SM, a warp-wide load takes at least one, and the
//               SM's four schedulers issue one warp-wide FFMA each per clock
//               at the peak: the L1 cap is 1/8 (the issue cap, three
//               instructions per FMA, 1/3);
//   phase GEMM  per BK slice and warp, the instructions the model counts:
//               FFMA (BK x TM x TN) and (TM + TN) / 4 four-wide shared loads
//               per k (FP32), or MI x NI mma.sync and 4 MI + 2 NI scalar
//               shared loads, each with a cvt.rna, per 8 k (TF32; at the
//               peak one m16n8k8 per clock per SM); the tile's shared
//               stores and global loads (one of each per BM x BK / threads
//               elements of A and BN x BK / threads of B). L1 wavefronts:
//               one per shared load or store, one per 128-byte line a
//               global load touches (a load of A reads 32 consecutive
//               positions of a phase row, a load of B 32 output channels
//               k_h x k_w floats apart). The L1 cap is the FLOP time at
//               the peak over the wavefronts' time, the issue cap over the
//               counted instructions' issue time. The slice's global loads,
//               2 x BM x BN x BK FLOPs per (BM + BN) x BK x 4 bytes (the tile
//               intensity), come from L2: with --l2-tbps the L2 cap is that
//               intensity x the L2 bandwidth / peak;
//   tile use    the landing products over the products the tiles compute
//               (partial tiles of M, N and K padded; the tiles' products
//               that no tap lands on included): the L1, issue and L2 caps
//               count computed products, so they are scaled by it;
//   expected    the smallest cap x the wave efficiency, as a fraction of the
//               peak of the arithmetic used (FP32, or TF32 dense).
// Left out: latency (how many warps hide it), the index arithmetic, loop
// control and bounds checks, blocks with nothing to do (past the end of a
// small phase), bank conflicts, L1 misses, clocks below boost, and how
// close mma.sync comes to the dense TF32 peak on sm_90: every cap is an
// upper bound.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/benchmark.h"  // flops_per_run: the products that land, as convt bench counts
#include "optimized/cuda/conv_transpose_cuda.h"
#include "optimized/cuda/direct_kernel.h"
#include "optimized/cuda/phase_gemm.h"
#include "reference/descriptor.h"

namespace {

using convt::Problem;
using convt::cuda::Geometry;
using convt::cuda::PhaseGemmTiles;

// The H200 (GH100, as the H100 SXM): per SM and for the chip.
struct Gpu {
  int sms = 132;
  int registers = 65536;  // per SM
  int threads = 2048;
  int blocks = 32;
  int shared_bytes = 228 * 1024;        // per SM
  int shared_block_bytes = 227 * 1024;  // the most one block may have
  int shared_reserved = 1024;           // per block
  int shared_granule = 128;
  int register_granule = 256;  // per warp
  double fp32_flops = 67e12;
  double tf32_flops = 495e12;  // dense
  double dram_bytes = 4.8e12;
  double l2_bytes = 0;  // --l2-tbps; 0: not modelled
};

// The direct kernel: two L1 wavefronts per warp-wide FMA, one wavefront
// per clock per SM, four warp-wide FMAs per clock per SM.
constexpr double kDirectCap = 1.0 / 8;

struct Layer {
  std::string name;
  Problem problem;
};

struct Occupancy {
  int blocks_per_sm = 0;
  std::string limited_by;
};

int round_up(int a, int b) { return (a + b - 1) / b * b; }

// Blocks per SM for `threads` threads of `registers` registers each (0:
// not known, not limiting) and `shared_bytes` dynamic shared memory.
Occupancy occupancy(const Gpu& gpu, int threads, int registers, int shared_bytes) {
  const int warps = (threads + 31) / 32;
  std::vector<std::pair<int, std::string>> limits = {{gpu.threads / threads, "threads"}, {gpu.blocks, "blocks"}};
  if (registers > 0)
    limits.push_back({gpu.registers / round_up(registers * 32, gpu.register_granule) / warps, "registers"});
  limits.push_back({shared_bytes > gpu.shared_block_bytes
                        ? 0
                        : gpu.shared_bytes / round_up(shared_bytes + gpu.shared_reserved, gpu.shared_granule),
                    "shared"});
  Occupancy o{gpu.blocks, ""};
  for (const auto& l : limits) o.blocks_per_sm = std::min(o.blocks_per_sm, l.first);
  for (const auto& l : limits)
    if (l.first == o.blocks_per_sm) o.limited_by += (o.limited_by.empty() ? "" : ", ") + l.second;
  if (registers <= 0) o.limited_by += "; registers not given";
  return o;
}

struct Waves {
  int64_t waves = 0;
  double efficiency = 0;
};

Waves waves_of(const Gpu& gpu, int64_t blocks, int blocks_per_sm) {
  if (blocks <= 0 || blocks_per_sm <= 0) return {};
  const int64_t slots = int64_t(gpu.sms) * blocks_per_sm;
  const int64_t waves = (blocks + slots - 1) / slots;
  return {waves, double(blocks) / double(waves * slots)};
}

double compulsory_bytes(const Problem& p) {
  return 4.0 * double(p.input_elements() + p.weight_elements() + p.output_elements() + p.bias_elements());
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string percent(double fraction) { return fixed(100 * fraction, 1) + "%"; }

std::optional<std::vector<Layer>> load_layers(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cuda_on_paper: cannot read " << path << '\n';
    return std::nullopt;
  }
  const nlohmann::json suite = nlohmann::json::parse(in, nullptr, false);
  if (suite.is_discarded() || !suite.is_object() || !suite.contains("problems") || !suite["problems"].is_array()) {
    std::cerr << "cuda_on_paper: " << path << " is not a suite with a \"problems\" array\n";
    return std::nullopt;
  }
  std::vector<Layer> layers;
  for (const nlohmann::json& entry : suite["problems"]) {
    std::string descriptor, name;
    if (entry.is_string()) {
      descriptor = entry.get<std::string>();
    } else if (entry.is_object()) {
      // {"descriptor": ...}, or the descriptor's fields and "bias" (harness/suite.h).
      if (entry.contains("descriptor") && entry["descriptor"].is_string()) {
        descriptor = entry["descriptor"].get<std::string>();
      } else {
        for (const char* field : convt::kFieldNames)
          if (entry.contains(field) && entry[field].is_number_integer())
            descriptor += field + std::to_string(entry[field].get<int64_t>());
        if (entry.contains("bias") && entry["bias"].is_boolean() && !entry["bias"].get<bool>()) descriptor += "nobias";
      }
      if (entry.contains("name") && entry["name"].is_string()) name = entry["name"].get<std::string>();
    } else {
      std::cerr << "cuda_on_paper: " << path << ": problem " << layers.size() << " is neither a descriptor nor an object\n";
      return std::nullopt;
    }
    const convt::Result<Problem> p = convt::parse_problem(descriptor);
    if (!p) {
      std::cerr << "cuda_on_paper: " << path << ": " << descriptor << ": " << p.error().message << '\n';
      return std::nullopt;
    }
    layers.push_back({name.empty() ? descriptor : name, *p});
  }
  return layers;
}

// Registers per thread by kernel name, as tools/cuda_resources.py prints
// the names: run_steps<DirectKernel>, run_steps<PhaseGemmFp32<128, 64, 8,
// 256, 8, 4> >.
struct Registers {
  std::map<std::string, int> by_name;

  // The most registers of the kernels whose names contain `key`; 0: none.
  int of(const std::string& key) const {
    int most = 0;
    for (const auto& [name, count] : by_name)
      if (name.find(key) != std::string::npos) most = std::max(most, count);
    return most;
  }

  static std::string direct_key() { return "DirectKernel>"; }
  static std::string phase_gemm_key(const PhaseGemmTiles& t) {
    return std::string(t.tf32 ? "PhaseGemmTf32<" : "PhaseGemmFp32<") + std::to_string(t.block_m) + ", " +
           std::to_string(t.block_n) + ", " + std::to_string(t.block_k) + ", " + std::to_string(t.threads) + ",";
  }
};

bool read_resources(const std::string& path, Registers& registers) {
  nlohmann::json doc;
  if (path == "-") {
    doc = nlohmann::json::parse(std::cin, nullptr, false);
  } else {
    std::ifstream in(path);
    if (!in) {
      std::cerr << "cuda_on_paper: cannot read " << path << '\n';
      return false;
    }
    doc = nlohmann::json::parse(in, nullptr, false);
  }
  if (doc.is_discarded() || !doc.is_object() || doc.empty()) {
    std::cerr << "cuda_on_paper: " << path << " is not the JSON of tools/cuda_resources.py --json\n";
    return false;
  }
  const nlohmann::json& kernels = doc.contains("sm_90") ? doc["sm_90"] : doc.begin().value();
  if (!doc.contains("sm_90"))
    std::cerr << "cuda_on_paper: no sm_90 in " << path << ", taking " << doc.begin().key() << '\n';
  for (const nlohmann::json& k : kernels)
    if (k.is_object() && k.value("entry", false) && k.contains("name") && k.contains("registers") &&
        k["registers"].is_number_integer())
      registers.by_name[k["name"].get<std::string>()] = k["registers"].get<int>();
  return true;
}

// The multiply-adds the phase GEMM's tiles compute, padding included:
// per stride phase and group, ceil(M / BM) x ceil(N / BN) blocks of
// BM x BN x (K rounded up to BK), with M = batch x the phase's rows x
// columns, N = C_out/groups and K = C_in/groups x the phase's landing taps.
double tile_products(const Geometry& g, const PhaseGemmTiles& t) {
  using namespace convt::cuda;
  double products = 0;
  for (int rh = 0; rh < g.stride_h; ++rh)
    for (int rw = 0; rw < g.stride_w; ++rw) {
      const int oh0 = positive_mod(rh - g.pad_h, g.stride_h), ow0 = positive_mod(rw - g.pad_w, g.stride_w);
      const int rows = oh0 < g.h_out ? (g.h_out - 1 - oh0) / g.stride_h + 1 : 0;
      const int cols = ow0 < g.w_out ? (g.w_out - 1 - ow0) / g.stride_w + 1 : 0;
      const int taps_h = taps_landing(first_tap(oh0 + g.pad_h, g.stride_h, g.dil_h, g.k_h),
                                      tap_step(g.stride_h, g.dil_h), g.k_h);
      const int taps_w = taps_landing(first_tap(ow0 + g.pad_w, g.stride_w, g.dil_w, g.k_w),
                                      tap_step(g.stride_w, g.dil_w), g.k_w);
      const double m = double(g.n) * rows * cols, k = double(g.c_in_per_group) * taps_h * taps_w;
      products += g.groups * std::ceil(m / t.block_m) * t.block_m * std::ceil(double(g.c_out_per_group) / t.block_n) *
                  t.block_n * std::ceil(k / t.block_k) * t.block_k;
    }
  return products;
}

struct KernelRow {
  std::string tiles;
  int registers = 0;
  int64_t blocks = 0;
  Occupancy occ;
  Waves waves;
  double tile_intensity = 0;  // FLOP per byte loaded from L2 into shared memory
  double tile_use = 1;        // landing products / products the tiles compute
  double l1_cap = 1, issue_cap = 1, l2_cap = 1, cap = 0;
  std::string bound;  // which cap is the smallest
  double expected = 0;
};

void settle(KernelRow& r, double roof, const char* roof_name) {
  r.cap = roof;
  r.bound = roof_name;
  for (auto [cap, name] : {std::pair{r.l1_cap, "L1"}, std::pair{r.issue_cap, "issue"}, std::pair{r.l2_cap, "L2"}})
    if (cap * r.tile_use < r.cap) r.cap = cap * r.tile_use, r.bound = name;
  if (r.cap >= 1) r.bound = "peak";
  r.expected = r.cap * r.waves.efficiency;
}

KernelRow direct_row(const Gpu& gpu, const Geometry& g, const Registers& registers, double roof_fp32) {
  const convt::cuda::DirectKernel k{g};
  KernelRow r;
  r.registers = registers.of(Registers::direct_key());
  r.blocks = k.blocks();
  r.occ = occupancy(gpu, convt::cuda::DirectKernel::kThreads, r.registers, k.shared_floats() * 4);
  r.waves = waves_of(gpu, r.blocks, r.occ.blocks_per_sm);
  r.l1_cap = kDirectCap;
  r.issue_cap = 1.0 / 3;  // two loads and one FFMA per FMA
  settle(r, roof_fp32, "DRAM");
  return r;
}

std::optional<KernelRow> phase_gemm_row(const Gpu& gpu, const Geometry& g, bool tf32, const Registers& registers,
                                        double roof, double landing_products) {
  const PhaseGemmTiles t = convt::cuda::choose_tiles(g, tf32);
  if (t.threads <= 0 || t.block_m <= 0 || t.block_n <= 0 || t.block_k <= 0) return std::nullopt;
  const double peak = tf32 ? gpu.tf32_flops : gpu.fp32_flops;
  KernelRow r;
  r.tiles = std::to_string(t.block_m) + "x" + std::to_string(t.block_n) + "x" + std::to_string(t.block_k) + ", " +
            std::to_string(t.threads) + " thr, " + std::to_string(t.thread_m) + "x" + std::to_string(t.thread_n) +
            "/thr, " + fixed(t.shared_floats * 4 / 1024.0, 1) + " KB";
  r.registers = registers.of(Registers::phase_gemm_key(t));
  r.blocks = t.blocks;
  r.occ = occupancy(gpu, t.threads, r.registers, t.shared_floats * 4);
  r.waves = waves_of(gpu, r.blocks, r.occ.blocks_per_sm);
  // One BK slice, per warp: the instructions the model counts and the L1
  // wavefronts they take (one per shared load or store; one per 128-byte
  // line a global load touches: a load of A reads 32 consecutive positions
  // of a phase row, a load of B 32 output channels k_h x k_w floats apart).
  const double loads_a = double(t.block_m) * t.block_k / t.threads, loads_b = double(t.block_n) * t.block_k / t.threads;
  const double phase_cols = std::ceil(double(g.w_out) / g.stride_w);
  const double lines_a = std::ceil(32.0 / std::min(32.0, std::max(1.0, phase_cols)));
  const double lines_b = std::min(32.0, std::ceil(32.0 * g.k_h * g.k_w * 4 / 128));
  const double stores = loads_a + loads_b, global = loads_a + loads_b;
  const double global_wavefronts = loads_a * lines_a + loads_b * lines_b;
  if (tf32) {
    // Per 8 k: MI x NI mma.sync, 4 MI + 2 NI scalar shared loads, each
    // converted by one cvt.rna. At the peak an SM retires one m16n8k8 per
    // clock, one per four clocks per scheduler.
    const double mi = t.thread_m / 2.0, ni = t.thread_n / 2.0, k8 = t.block_k / 8.0;
    const double mma = k8 * mi * ni, lds = k8 * (4 * mi + 2 * ni);
    r.l1_cap = std::min(1.0, mma / (lds + stores + global_wavefronts));
    r.issue_cap = std::min(1.0, 4 * mma / (mma + 2 * lds + stores + global));
  } else {
    // Per k: TM x TN FFMA, (TM + TN) / 4 four-wide shared loads. At the
    // peak each of the SM's four schedulers issues one warp-wide FFMA per
    // clock.
    const double fma = double(t.block_k) * t.thread_m * t.thread_n;
    const double lds = t.block_k * (t.thread_m + t.thread_n) / 4.0;
    r.l1_cap = std::min(1.0, fma / (4 * (lds + stores + global_wavefronts)));
    r.issue_cap = std::min(1.0, fma / (fma + lds + stores + global));
  }
  const double flops = 2.0 * t.block_m * t.block_n * t.block_k;
  const double stored = 4.0 * (t.block_m + t.block_n) * t.block_k;
  r.tile_intensity = flops / stored;
  const double computed = tile_products(g, t);
  r.tile_use = computed > 0 ? std::min(1.0, landing_products / computed) : 1;
  if (gpu.l2_bytes > 0) r.l2_cap = std::min(1.0, r.tile_intensity * gpu.l2_bytes / peak);
  settle(r, roof, "DRAM");
  return r;
}

double geomean(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (double x : v) s += std::log(std::max(x, 1e-12));
  return std::exp(s / double(v.size()));
}

std::string registers_text(int registers) { return registers > 0 ? std::to_string(registers) : "?"; }

}  // namespace

int main(int argc, char** argv) {
  Gpu gpu;
  std::string config = CONVT_SOURCE_DIR "/configs/real_shapes.json";
  Registers registers;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--config" && has_value) {
      config = argv[++i];
    } else if (arg == "--resources" && has_value) {
      if (!read_resources(argv[++i], registers)) return 2;
    } else if (arg == "--registers" && has_value) {
      const std::string v = argv[++i];
      const size_t eq = v.rfind('=');
      int count = 0;
      if (eq == std::string::npos || !(std::istringstream(v.substr(eq + 1)) >> count) || count <= 0) {
        std::cerr << "cuda_on_paper: --registers wants NAME=N, not '" << v << "'\n";
        return 2;
      }
      registers.by_name[v.substr(0, eq)] = count;
    } else if (arg == "--l2-tbps" && has_value) {
      char* end = nullptr;
      const double tbps = std::strtod(argv[++i], &end);
      if (end == argv[i] || *end != '\0' || tbps < 0) {
        std::cerr << "cuda_on_paper: --l2-tbps wants a number of TB/s, not '" << argv[i] << "'\n";
        return 2;
      }
      gpu.l2_bytes = tbps * 1e12;
    } else {
      std::cerr << "usage: cuda_on_paper [--config FILE] [--resources FILE|-] [--registers NAME=N]... "
                   "[--l2-tbps X]\n";
      return 2;
    }
  }
  const std::optional<std::vector<Layer>> layers = load_layers(config);
  if (!layers) return 2;

  std::cout << "H200 on paper: " << gpu.sms << " SMs, FP32 " << fixed(gpu.fp32_flops / 1e12, 0) << " TFLOP/s, TF32 "
            << fixed(gpu.tf32_flops / 1e12, 0) << " TFLOP/s dense, DRAM " << fixed(gpu.dram_bytes / 1e12, 1)
            << " TB/s, L2 " << (gpu.l2_bytes > 0 ? fixed(gpu.l2_bytes / 1e12, 1) + " TB/s (assumed)" : "not modelled")
            << ", L1 and shared memory one 128-byte wavefront per clock per SM; registers "
            << (registers.by_name.empty() ? "not given (not limiting)"
                                          : "given for " + std::to_string(registers.by_name.size()) + " kernels")
            << "\n\n";

  std::ostringstream problems, direct, gemm;
  problems << "| layer | GFLOP (landing) | FMA per output | MB compulsory | FLOP/B | DRAM roof FP32 | DRAM roof TF32 |\n"
              "|---|---:|---:|---:|---:|---:|---:|\n";
  direct << "| layer | blocks | regs | blocks/SM (limited by) | waves | wave eff. | cap (bound) | expected of FP32 "
            "peak |\n|---|---:|---:|---|---:|---:|---:|---:|\n";
  gemm << "| layer | arith. | tiles | blocks | regs | blocks/SM (limited by) | waves | wave eff. | tile FLOP/B "
          "| L2 TB/s at the cap | L1 cap | issue cap | tile use | cap (bound) | expected of peak |\n"
          "|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  std::vector<double> e_direct, e_fp32, e_tf32;
  int skipped = 0, gemm_missing = 0;
  for (const Layer& layer : *layers) {
    const Problem& p = layer.problem;
    if (auto why = convt::cuda::unsupported(p)) {
      problems << "| " << layer.name << " | " << *why << " | | | | | |\n";
      ++skipped;
      continue;
    }
    const Geometry g = convt::cuda::geometry_of(p);
    const double flops = flops_per_run(p), bytes = compulsory_bytes(p), ai = flops / bytes;
    const double roof_fp32 = std::min(1.0, ai * gpu.dram_bytes / gpu.fp32_flops);
    const double roof_tf32 = std::min(1.0, ai * gpu.dram_bytes / gpu.tf32_flops);
    problems << "| " << layer.name << " | " << fixed(flops / 1e9, 3) << " | "
             << fixed(flops / 2 / double(p.output_elements()), 1) << " | " << fixed(bytes / 1e6, 2) << " | "
             << fixed(ai, 1) << " | " << percent(roof_fp32) << " | " << percent(roof_tf32) << " |\n";

    const KernelRow d = direct_row(gpu, g, registers, roof_fp32);
    direct << "| " << layer.name << " | " << d.blocks << " | " << registers_text(d.registers) << " | "
           << d.occ.blocks_per_sm << " (" << d.occ.limited_by << ") | " << d.waves.waves << " | "
           << percent(d.waves.efficiency) << " | " << percent(d.cap) << " (" << d.bound << ") | "
           << percent(d.expected) << " |\n";
    e_direct.push_back(d.expected);

    for (bool tf32 : {false, true}) {
      const double peak = tf32 ? gpu.tf32_flops : gpu.fp32_flops;
      const std::optional<KernelRow> r = phase_gemm_row(gpu, g, tf32, registers, tf32 ? roof_tf32 : roof_fp32, flops / 2);
      if (!r) {
        ++gemm_missing;
        continue;
      }
      gemm << "| " << layer.name << " | " << (tf32 ? "TF32" : "FP32") << " | " << r->tiles << " | " << r->blocks
           << " | " << registers_text(r->registers) << " | " << r->occ.blocks_per_sm << " (" << r->occ.limited_by
           << ") | " << r->waves.waves << " | " << percent(r->waves.efficiency) << " | "
           << fixed(r->tile_intensity, 1) << " | " << fixed(r->cap / r->tile_use * peak / r->tile_intensity / 1e12, 1) << " | "
           << percent(r->l1_cap) << " | " << percent(r->issue_cap) << " | " << percent(r->tile_use) << " | "
           << percent(r->cap) << " (" << r->bound << ") | "
           << percent(r->expected) << " |\n";
      (tf32 ? e_tf32 : e_fp32).push_back(r->expected);
    }
  }

  const std::string source_dir = CONVT_SOURCE_DIR "/";
  const std::string shown = config.rfind(source_dir, 0) == 0 ? config.substr(source_dir.size()) : config;
  std::cout << "Problems (" << shown << "):\n\n" << problems.str() << '\n';
  std::cout << "cuda-direct (FP32, " << convt::cuda::DirectKernel::kThreads << " threads per block):\n\n"
            << direct.str() << '\n';
  if (e_fp32.empty() && e_tf32.empty())
    std::cout << "cuda (phase GEMM): choose_tiles gives no tiles (the kernel is not built yet)\n\n";
  else
    std::cout << "cuda (phase GEMM):\n\n" << gemm.str() << '\n';
  const auto tflops = [](double fraction, double peak) { return " (" + fixed(fraction * peak / 1e12, 1) + " TFLOP/s)"; };
  std::cout << "Geometric mean of the expected fractions over " << e_direct.size() << " layers: direct "
            << percent(geomean(e_direct)) << " of FP32" << tflops(geomean(e_direct), gpu.fp32_flops);
  if (!e_fp32.empty())
    std::cout << ", phase GEMM FP32 " << percent(geomean(e_fp32)) << " of FP32" << tflops(geomean(e_fp32), gpu.fp32_flops);
  if (!e_tf32.empty())
    std::cout << ", phase GEMM TF32 " << percent(geomean(e_tf32)) << " of TF32" << tflops(geomean(e_tf32), gpu.tf32_flops);
  std::cout << '\n';
  if (e_fp32.size() == e_direct.size()) {
    std::vector<double> best;
    for (size_t i = 0; i < e_direct.size(); ++i) best.push_back(std::max(e_direct[i], e_fp32[i]));
    std::cout << "The better FP32 kernel per layer: " << percent(geomean(best)) << " of FP32"
              << tflops(geomean(best), gpu.fp32_flops) << " (geometric mean)\n";
  }
  if (skipped) std::cout << skipped << " layers skipped (32-bit indexing)\n";
  if (gemm_missing && !(e_fp32.empty() && e_tf32.empty()))
    std::cout << gemm_missing << " phase GEMM rows without tiles\n";
  return 0;
}
