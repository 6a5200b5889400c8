#include "optimized/cudnn/engine.h"

#include <algorithm>

namespace convt::cudnn {

namespace {
bool has(const std::vector<std::string>& notes, const char* note) {
  return std::find(notes.begin(), notes.end(), note) != notes.end();
}
}  // namespace

bool EngineInfo::noted(const char* note) const { return has(numerical_notes, note); }

std::string filter_reason(const std::vector<std::string>& notes, const EngineFilter& f) {
  if (has(notes, "DOWN_CONVERT_INPUTS")) return "noted DOWN_CONVERT_INPUTS, which PyTorch never uses";
  if (f.deterministic && has(notes, "NONDETERMINISTIC")) return "noted NONDETERMINISTIC, dropped in deterministic mode";
  if (!f.tf32 && has(notes, "TENSOR_CORE")) return "noted TENSOR_CORE, kept only with TF32 on";
  return {};
}

bool filter_allows(const std::vector<std::string>& notes, const EngineFilter& f) {
  return filter_reason(notes, f).empty();
}

std::string not_for_cudnn(const Problem& p) {
  // PyTorch does not hand output_padding of stride or more to cuDNN
  // (is_output_padding_big: its native kernel runs instead), and cuDNN's
  // size check refuses it too.
  if (p.output_padding.h < p.stride.h && p.output_padding.w < p.stride.w) return {};
  return "output_padding " + std::to_string(p.output_padding.h) + "x" + std::to_string(p.output_padding.w) +
         " is not smaller than the stride " + std::to_string(p.stride.h) + "x" + std::to_string(p.stride.w) +
         ": PyTorch runs its native kernel there, not cuDNN";
}

}  // namespace convt::cudnn
