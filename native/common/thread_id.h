// The OS identity of a thread: header-only, plain Linux, no other gilscope header (shared by
// hazards/ and runtime/).
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

namespace gilscope::common {

// The calling thread's OS thread id (gettid), as shown in /proc/<pid>/task; never 0.
inline int64_t osThreadId() { return static_cast<int64_t>(syscall(SYS_gettid)); }

}  // namespace gilscope::common
