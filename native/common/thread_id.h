// The OS identity of a thread: header-only, plain Linux, no other gilscope header (shared by
// hazards/ and runtime/).
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

namespace gilscope::common {

// The calling thread's OS thread id (gettid), as shown in /proc/<pid>/task; never 0.
// Asked of the kernel once per thread (gettid is a syscall, as costly as a reading), then kept: a
// thread's id never changes (Node never forks without exec, the one case that would change it).
inline int64_t osThreadId() {
  thread_local const int64_t tid = static_cast<int64_t>(syscall(SYS_gettid));
  return tid;
}

}  // namespace gilscope::common
