#include "harness/plugin.h"

#include <dlfcn.h>

#include <convt/plugin.h>
#include <filesystem>

namespace convt {
namespace {

using AbiVersionFn = int (*)();
using NameFn = const char* (*)();
using ConvFn = int (*)(const convt_problem*, const float*, const float*, const float*, float*);
using DeterministicFn = int (*)();
using MathModeFn = int (*)();

constexpr int kOldestAbiVersion = 1;  // version 1 plugins have no math mode: strict float32

class PluginBackend final : public Backend {
 public:
  PluginBackend(void* library, ConvFn conv, bool deterministic, MathMode math)
      : library_(library), conv_(conv), deterministic_(deterministic), math_(math) {}
  ~PluginBackend() override { dlclose(library_); }
  PluginBackend(const PluginBackend&) = delete;
  PluginBackend& operator=(const PluginBackend&) = delete;

  bool deterministic() const override { return deterministic_; }
  bool isolate_by_default() const override { return true; }  // a user's code may crash or hang
  MathMode math() const override { return math_; }

  std::optional<Error> prepare(const Problem& p, const float* w, const float* bias) override {
    problem_ = {p.n,          p.c_in,       p.h_in,       p.w_in,      p.c_out,
                p.kernel.h,   p.kernel.w,   p.stride.h,   p.stride.w,  p.padding.h,
                p.padding.w,  p.output_padding.h, p.output_padding.w, p.dilation.h,
                p.dilation.w, p.groups,     p.h_out(),    p.w_out()};
    w_ = w;
    bias_ = bias;
    return std::nullopt;
  }

  std::optional<Error> run(const float* x, float* y) override {
    const int status = conv_(&problem_, x, w_, bias_, y);
    if (status != 0)
      return Error{"convt_plugin_conv_transpose2d returned " + std::to_string(status)};
    return std::nullopt;
  }

 private:
  void* library_;
  ConvFn conv_;
  bool deterministic_;
  MathMode math_;
  convt_problem problem_{};
  const float* w_ = nullptr;
  const float* bias_ = nullptr;
};

template <class Fn>
Fn symbol(void* library, const char* name) {
  return reinterpret_cast<Fn>(dlsym(library, name));
}

}  // namespace

Result<NamedBackend> load_plugin(const std::string& path) {
  // dlopen searches the library path for a bare file name; a user means the file.
  const std::string where =
      path.find('/') == std::string::npos && std::filesystem::exists(path) ? "./" + path : path;
  void* library = dlopen(where.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char* why = dlerror();
    return Error{"plugin " + path + ": cannot load: " + (why ? why : "unknown reason")};
  }
  const auto fail = [&](const std::string& what) {
    dlclose(library);
    return Result<NamedBackend>(Error{"plugin " + path + ": " + what + " (see include/convt/plugin.h)"});
  };
  const auto abi = symbol<AbiVersionFn>(library, "convt_plugin_abi_version");
  const auto name = symbol<NameFn>(library, "convt_plugin_name");
  const auto conv = symbol<ConvFn>(library, "convt_plugin_conv_transpose2d");
  const auto deterministic = symbol<DeterministicFn>(library, "convt_plugin_is_deterministic");
  if (!abi) return fail("does not export convt_plugin_abi_version");
  if (!name) return fail("does not export convt_plugin_name");
  if (!conv) return fail("does not export convt_plugin_conv_transpose2d");
  const int version = abi();
  if (version < kOldestAbiVersion || version > CONVT_PLUGIN_ABI_VERSION)
    return fail("speaks ABI version " + std::to_string(version) + ", convt speaks versions " +
                std::to_string(kOldestAbiVersion) + " to " + std::to_string(CONVT_PLUGIN_ABI_VERSION));
  // The math mode, from version 2 on: the bound the plugin is judged by.
  const auto math_mode = version >= 2 ? symbol<MathModeFn>(library, "convt_plugin_math_mode") : nullptr;
  MathMode math;
  switch (const int mode = math_mode ? math_mode() : CONVT_MATH_STRICT) {
    case CONVT_MATH_STRICT: break;
    case CONVT_MATH_TF32_RNA: math.input_roundoff = kTf32RoundToNearest; break;
    case CONVT_MATH_TF32_TRUNC: math.input_roundoff = kTf32Truncation; break;
    default:
      return fail("convt_plugin_math_mode returned " + std::to_string(mode) +
                  " (CONVT_MATH_STRICT 0, CONVT_MATH_TF32_RNA 1 or CONVT_MATH_TF32_TRUNC 2)");
  }
  const char* plugin_name = name();
  if (!plugin_name || !*plugin_name) return fail("convt_plugin_name returned no name");
  std::string backend_name = std::string("plugin:") + plugin_name;
  const bool claims_determinism = !deterministic || deterministic() != 0;
  return NamedBackend{backend_name, "cpu", path,
                      std::make_unique<PluginBackend>(library, conv, claims_determinism, math)};
}

}  // namespace convt
