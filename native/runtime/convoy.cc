#include "runtime/convoy.h"

#include <utility>

#include "common/clock.h"
#include "common/cpu_budget.h"
#include "common/thread_id.h"
#include "runtime/block.h"

namespace gilscope::runtime {

ConvoyProbe::ConvoyProbe(std::shared_ptr<Gil> gil, uint64_t switchIntervalUs, uint64_t workUs, uint64_t waitUs,
                         size_t traceCapacity)
    : gil_(std::move(gil)), switchIntervalUs_(switchIntervalUs), workUs_(workUs), waitUs_(waitUs) {
  if (traceCapacity > 0) trace_ = TraceBuffer(traceCapacity);
  thread_ = std::thread([this] { loop(); });
}

ConvoyProbe::~ConvoyProbe() { stop(); }

std::vector<uint64_t> ConvoyProbe::stop() {
  token_.cancel();
  if (thread_.joinable()) thread_.join();
  return latenciesNs_;
}

void ConvoyProbe::loop() {
  LockStats stats;
  threadId_ = common::osThreadId();
  const uint64_t id = gil_->newHolderId();
  const uint64_t workNs = common::usToNs(workUs_);
  while (!token_.cancelled()) {
    const uint64_t wantNs = common::monotonicNs();
    if (!gil_->acquire(id, switchIntervalUs_, token_, stats, trace_, /*probe=*/true)) break;
    // workUs of CPU, as the Python I/O thread's 20 us of work, without a system call per check.
    common::CpuBudget work(workNs);
    while (!work.spent() && !token_.cancelled()) {
    }
    gil_->release(id, false, token_, stats, trace_);
    if (token_.cancelled()) break;  // an unfinished round is not a latency
    latenciesNs_.push_back(common::monotonicNs() - wantNs);
    if (!blockTraced(token_, waitUs_, trace_)) break;
  }
}

}  // namespace gilscope::runtime
