// A traced blocking phase: the one way a task, a GIL holder or the convoy probe waits for "I/O".
#pragma once

#include <cstdint>

#include "runtime/cancel.h"
#include "runtime/trace.h"

namespace gilscope::runtime {

// Blocks for us microseconds without using CPU, or until token is cancelled, between a BlockStart
// and a BlockEnd event in trace (recorded whether or not the wait completes). Returns false when
// cancelled.
inline bool blockTraced(CancelToken& token, uint64_t us, TraceBuffer& trace) {
  trace.record(EventKind::BlockStart);
  const bool ok = token.sleepFor(us);
  trace.record(EventKind::BlockEnd);
  return ok;
}

}  // namespace gilscope::runtime
