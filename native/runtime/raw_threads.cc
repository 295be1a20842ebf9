#include "runtime/raw_threads.h"

#include <unistd.h>

#include <cstdio>
#include <exception>

#include "runtime/clocks.h"

namespace gilscope::runtime {

std::vector<TaskRecord> runOnRawThreads(const kernels::Call& call, uint32_t tasks, CancelToken& token,
                                        size_t traceCapacity) {
  std::vector<TaskRecord> records(tasks);
  std::vector<std::thread> threads;
  threads.reserve(tasks);
  const uint64_t submitNs = monotonicNs();
  for (uint32_t i = 0; i < tasks; ++i) {
    try {
      threads.emplace_back([&records, &call, &token, submitNs, i, traceCapacity] {
        records[i] = executeTask(call, token, submitNs, nullptr, traceCapacity);
      });
    } catch (const std::exception& e) {
      // The OS refused a thread: stop the ones started and report it on the first missing task.
      token.cancel();
      for (uint32_t j = i; j < tasks; ++j) {
        records[j].kernel = call.id;
        records[j].cancelled = true;
        records[j].error = std::string("could not start thread: ") + e.what();
      }
      break;
    }
  }
  for (auto& t : threads) t.join();
  return records;
}

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
  threadId_ = osThreadId();
  const uint64_t id = gil_->newHolderId();
  while (!token_.cancelled()) {
    const uint64_t wantNs = monotonicNs();
    if (!gil_->acquire(id, switchIntervalUs_, token_, stats, trace_, /*probe=*/true)) break;
    const uint64_t workStart = threadCpuNs();
    while (threadCpuNs() - workStart < workUs_ * 1000ull && !token_.cancelled()) {
    }
    gil_->release(id, false, token_, stats, trace_);
    if (token_.cancelled()) break;  // an unfinished round is not a latency
    latenciesNs_.push_back(monotonicNs() - wantNs);
    trace_.record(EventKind::BlockStart);
    const bool ok = token_.sleepFor(waitUs_);
    trace_.record(EventKind::BlockEnd);
    if (!ok) break;
  }
}

int64_t residentBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return -1;
  long long size = 0;
  long long resident = 0;
  const int n = std::fscanf(f, "%lld %lld", &size, &resident);
  std::fclose(f);
  if (n != 2) return -1;
  return static_cast<int64_t>(resident) * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace gilscope::runtime
