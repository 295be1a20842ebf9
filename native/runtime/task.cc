#include "runtime/task.h"

#include <exception>
#include <new>

#include "common/clock.h"
#include "common/thread_id.h"
#include "runtime/block.h"
#include "runtime/gil.h"
#include "runtime/usage.h"

namespace gilscope::runtime {
namespace {

// Plain execution: only cancellation.
class PlainContext final : public kernels::Context {
 public:
  PlainContext(CancelToken& token, TraceBuffer& trace) : token_(token), trace_(trace) {}
  bool checkpoint() override { return !token_.cancelled(); }
  bool block(uint64_t us) override { return blockTraced(token_, us, trace_); }

 private:
  CancelToken& token_;
  TraceBuffer& trace_;
};

}  // namespace

TaskRecord executeTask(const kernels::Call& call, CancelToken& token, uint64_t submitNs, const GilUse* gil,
                       size_t traceCapacity) {
  TaskRecord r;
  r.kernel = call.id;
  r.submitNs = submitNs;
  r.threadId = common::osThreadId();
  r.startNs = common::monotonicNs();
  if (token.cancelled()) {
    r.cancelled = true;
    r.endNs = r.startNs;
    return r;
  }
  r.started = true;
  if (traceCapacity > 0) r.trace = TraceBuffer(traceCapacity);
  const ThreadUsage before = sampleThread();
  r.trace.record(EventKind::TaskStart);
  try {
    if (gil == nullptr) {
      PlainContext ctx(token, r.trace);
      r.result = kernels::run(call, ctx);
    } else {
      r.result = runUnderGil(call, token, *gil, r.lock, r.trace);
    }
  } catch (const std::bad_alloc&) {
    r.error = "out of memory: the kernel could not allocate its buffer";
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  r.trace.record(EventKind::TaskEnd);
  const ThreadUsage after = sampleThread();
  r.endNs = common::monotonicNs();
  r.cancelled = token.cancelled();
  r.cpuNs = after.cpuNs - before.cpuNs;
  r.userUs = after.userUs - before.userUs;
  r.systemUs = after.systemUs - before.systemUs;
  r.voluntarySwitches = after.voluntarySwitches - before.voluntarySwitches;
  r.involuntarySwitches = after.involuntarySwitches - before.involuntarySwitches;
  r.runQueueNs = (before.runQueueNs >= 0 && after.runQueueNs >= 0) ? after.runQueueNs - before.runQueueNs : -1;
  return r;
}

}  // namespace gilscope::runtime
