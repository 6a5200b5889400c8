#include "harness/shard.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace convt {
namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

Result<int64_t> whole(const char* name) {
  const char* v = env(name);
  if (!v) return Error{std::string(name) + " is not set"};
  std::istringstream in(v);
  int64_t n = -1;
  if (!(in >> n) || !in.eof() || n < 0) return Error{std::string(name) + "='" + v + "': expected a whole number"};
  return n;
}

Result<Shard> from(const std::string& what, Result<int64_t> index, Result<int64_t> count) {
  if (!index) return index.error();
  if (!count) return count.error();
  Result<Shard> s = parse_shard(std::to_string(*index) + "/" + std::to_string(*count));
  if (!s) return Error{what + ": " + s.error().message};
  return s;
}

}  // namespace

Result<Shard> parse_shard(const std::string& text) {
  Shard s;
  char slash = 0;
  std::istringstream in(text);
  if (!(in >> s.index >> slash >> s.count) || slash != '/' || !in.eof() || s.count < 1 || s.index < 0 ||
      s.index >= s.count)
    return Error{"bad shard '" + text + "': expected I/N with 0 <= I < N, e.g. 0/4"};
  return s;
}

Result<Shard> choose_shard(const std::string& option) {
  if (!option.empty()) return parse_shard(option);
  if (env("GTEST_SHARD_INDEX") || env("GTEST_TOTAL_SHARDS")) {
    Result<Shard> s = from("GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS", whole("GTEST_SHARD_INDEX"), whole("GTEST_TOTAL_SHARDS"));
    if (s)
      if (const char* status = env("GTEST_SHARD_STATUS_FILE")) std::ofstream{status};
    return s;
  }
  if (env("SLURM_ARRAY_TASK_ID")) {
    Result<int64_t> min = env("SLURM_ARRAY_TASK_MIN") ? whole("SLURM_ARRAY_TASK_MIN") : Result<int64_t>(0);
    if (!min) return min.error();
    Result<int64_t> id = whole("SLURM_ARRAY_TASK_ID");
    if (!id) return id.error();
    if (env("SLURM_ARRAY_TASK_COUNT")) return from("SLURM_ARRAY_TASK_ID", *id - *min, whole("SLURM_ARRAY_TASK_COUNT"));
    if (!env("SLURM_ARRAY_TASK_MAX"))
      return Error{"SLURM_ARRAY_TASK_ID: set SLURM_ARRAY_TASK_COUNT (or SLURM_ARRAY_TASK_MAX) too"};
    Result<int64_t> max = whole("SLURM_ARRAY_TASK_MAX");
    if (!max) return max.error();
    return from("SLURM_ARRAY_TASK_ID", *id - *min, *max - *min + 1);
  }
  if (env("JOB_COMPLETION_INDEX")) {
    Result<int64_t> count = env("CONVT_SHARDS") ? whole("CONVT_SHARDS")
                                                 : Result<int64_t>(Error{"JOB_COMPLETION_INDEX: set CONVT_SHARDS "
                                                                         "to the Job's completions too"});
    return from("JOB_COMPLETION_INDEX", whole("JOB_COMPLETION_INDEX"), count);
  }
  return Shard{};
}

}  // namespace convt
