// ISA selection: the names, what this CPU supports, the default (and its
// CONVT_CPU_ISA override), and what the planner knows of each ISA's kernels.
#include <cstdlib>
#include <string>

#include "optimized/cpu/conv_transpose_cpu.h"
#include "optimized/cpu/plan_impl.h"

namespace convt::cpu {

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::scalar: return "scalar";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
  }
  return "?";
}

std::optional<Isa> parse_isa(std::string_view name) {
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512})
    if (name == isa_name(isa)) return isa;
  return std::nullopt;
}

// Run-time dispatch from the CPU's features (__builtin_cpu_supports also
// checks that the OS saves the registers); the kernels of each ISA are
// compiled with function target attributes, not -march for the program.
bool isa_supported(Isa isa) {
  __builtin_cpu_init();
  switch (isa) {
    case Isa::scalar: return true;
    case Isa::avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
             __builtin_cpu_supports("fma");
  }
  return false;
}

Isa best_isa() {
  for (Isa isa : {Isa::avx512, Isa::avx2})
    if (isa_supported(isa)) return isa;
  return Isa::scalar;
}

Result<Isa> default_isa() {
  const char* env = std::getenv("CONVT_CPU_ISA");
  if (!env || !*env) return best_isa();
  const std::optional<Isa> isa = parse_isa(env);
  if (!isa) return Error{"CONVT_CPU_ISA=" + std::string(env) + " is not an ISA (scalar, avx2 or avx512)"};
  if (!isa_supported(*isa))
    return Error{"CONVT_CPU_ISA=" + std::string(env) + ": this CPU does not support " + isa_name(*isa)};
  return *isa;
}

}  // namespace convt::cpu

namespace convt::cpu::detail {

IsaTraits isa_traits(Isa isa) {
  switch (isa) {
    case Isa::avx512:
      return {16, 24, 1.0, run_task_avx512, run_gemm_task_avx512, run_dw_task_avx512, run_cv_task_avx512};
    case Isa::avx2: return {8, 12, 2.0, run_task_avx2, run_gemm_task_avx2, run_dw_task_avx2, run_cv_task_avx2};
    case Isa::scalar: break;
  }
  return {1, 8, 2.0, run_task_scalar, run_gemm_task_scalar, run_dw_task_scalar, run_cv_task_scalar};
}

}  // namespace convt::cpu::detail
