// Parallelism without Node in the way: raw threads started by the addon itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/kernels.h"
#include "runtime/cancel.h"
#include "runtime/task.h"

namespace gilscope::runtime {

// Runs `tasks` copies of call, each on a std::thread started for this batch, and returns when all
// have ended, records in start order. submitNs of every record is the time before the first thread
// was created, so queueNs is each thread's start-up latency. Cancelling token stops them all.
// A thread the OS refuses is no exception: it cancels the batch and sets error on every record not run.
std::vector<TaskRecord> runOnRawThreads(const kernels::Call& call, uint32_t tasks, CancelToken& token,
                                        size_t traceCapacity = 0);

}  // namespace gilscope::runtime
