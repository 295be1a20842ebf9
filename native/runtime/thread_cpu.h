// Another thread's CPU time, exact: clock_gettime on that thread's CPU-clock id, which the kernel
// brings up to date on the read (unlike /proc stat and schedstat's first field, which lag a running
// thread by up to a scheduler tick). Plain Linux, no other gilscope header.
#pragma once

#include <cstdint>

namespace gilscope::runtime {

// The CPU time in ns of thread `tid` of this process, or -1 when it cannot be read (the thread has
// ended, or tid is not a thread of this process). The clock id is the one pthread_getcpuclockid
// gives: ((~tid) << 3) | 6 (CPUCLOCK_SCHED, per thread). Cost: one clock_gettime, about 200 ns.
int64_t threadCpuNsOf(int64_t tid);

}  // namespace gilscope::runtime
