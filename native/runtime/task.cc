#include "runtime/task.h"

#include <exception>
#include <new>

#include "common/clock.h"
#include "common/thread_id.h"
#include "runtime/block.h"
#include "runtime/gil.h"
#include "runtime/reading.h"

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

// The kernel itself, its exceptions caught into r.error.
void runKernel(const kernels::Call& call, CancelToken& token, const GilUse* gil, TaskRecord& r) {
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
}

// The record's figures from the task's two readings.
void account(const Reading& start, const Reading& end, TaskRecord& r) {
  const ThreadUsage& before = start.usage;
  const ThreadUsage& after = end.usage;
  r.startNs = start.beforeNs;
  r.endNs = end.afterNs;
  r.cpuNs = after.cpuNs - before.cpuNs;
  r.userUs = after.userUs - before.userUs;
  r.systemUs = after.systemUs - before.systemUs;
  r.voluntarySwitches = after.voluntarySwitches - before.voluntarySwitches;
  r.involuntarySwitches = after.involuntarySwitches - before.involuntarySwitches;
  r.runQueueNs = (before.runQueueNs >= 0 && after.runQueueNs >= 0) ? after.runQueueNs - before.runQueueNs : -1;
}

}  // namespace

TaskRecord executeTask(const kernels::Call& call, CancelToken& token, uint64_t submitNs, const GilUse* gil,
                       size_t traceCapacity) {
  TaskRecord r;
  r.kernel = call.id;
  r.submitNs = submitNs;
  r.threadId = common::osThreadId();
  if (token.cancelled()) {
    r.cancelled = true;
    r.startNs = r.endNs = common::monotonicNs();
    return r;
  }
  r.started = true;
  if (traceCapacity > 0) r.trace = TraceBuffer(traceCapacity);
  const Reading start = readThread();
  r.trace.record(EventKind::TaskStart);
  runKernel(call, token, gil, r);
  r.trace.record(EventKind::TaskEnd);
  const Reading end = readThread();
  r.cancelled = token.cancelled();
  account(start, end, r);
  return r;
}

TaskRecord executeBetween(const kernels::Call& call, CancelToken& token, uint64_t submitNs, const GilUse* gil,
                          const Reading& start, Reading& end) {
  TaskRecord r;
  r.kernel = call.id;
  r.submitNs = submitNs;
  r.threadId = common::osThreadId();
  if (token.cancelled()) {
    r.cancelled = true;
    r.startNs = r.endNs = start.afterNs;
    end = start;
    return r;
  }
  r.started = true;
  runKernel(call, token, gil, r);
  end = readThread();
  r.cancelled = token.cancelled();
  account(start, end, r);
  return r;
}

}  // namespace gilscope::runtime
