// Shards: a run split into N processes, shard I taking every N-th problem
// from the I-th, so that the reports of all N merge into the report of one
// unsharded run (harness/report/report.h). The index comes from --shard
// I/N or from the environment of the scheduler that started the process.
#pragma once

#include <cstdint>
#include <string>

#include "reference/result.h"

namespace convt {

struct Shard {
  int64_t index = 0;
  int64_t count = 1;
};

// "I/N" with 0 <= I < N.
Result<Shard> parse_shard(const std::string& text);

// --shard I/N when `option` is not empty; else, read from the environment:
//   GTEST_SHARD_INDEX, GTEST_TOTAL_SHARDS  GoogleTest's protocol (CTest, CI
//                                          matrices); GTEST_SHARD_STATUS_FILE
//                                          is touched to acknowledge it
//   SLURM_ARRAY_TASK_ID                    a Slurm job array, with
//                                          SLURM_ARRAY_TASK_COUNT (or MAX - MIN
//                                          + 1), indices from SLURM_ARRAY_TASK_MIN
//   JOB_COMPLETION_INDEX                   a Kubernetes Indexed Job, with the
//                                          count in CONVT_SHARDS (Kubernetes
//                                          gives none)
// else 0/1. An error names the variable that is wrong.
Result<Shard> choose_shard(const std::string& option);

}  // namespace convt
