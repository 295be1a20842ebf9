// The emulated GIL's convoy without Node: N `spin` tasks under native/runtime/gil.cc beside the
// convoy probe (native/runtime/convoy.cc), as the bench's gil rows run them, printing the probe's
// rounds as a histogram of whole milliseconds (its 1 ms wait included, as the Python I/O thread's
// round includes its sleep). An investigation aid beside tools/gil-replica.c, not part of the build:
//   g++ -O2 -std=c++20 -pthread -Inative tools/convoy-harness.cc native/runtime/gil.cc \
//       native/runtime/convoy.cc native/kernels/*.cc -o /tmp/convoy-harness
//   /tmp/convoy-harness CPU_THREADS INTERVAL_US SECONDS     # e.g. 2 5000 0.6
// Output: rounds, p50 and p99 (ms, wait included), then "ms:count" for each whole millisecond.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "kernels/kernels.h"
#include "runtime/convoy.h"
#include "runtime/gil.h"

using namespace gilscope;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s CPU_THREADS INTERVAL_US SECONDS\n", argv[0]);
    return 2;
  }
  const int cpu = std::atoi(argv[1]);
  const uint64_t intervalUs = std::strtoull(argv[2], nullptr, 10);
  const double seconds = std::atof(argv[3]);
  if (cpu < 0 || cpu > 16 || intervalUs < 1 || !(seconds > 0 && seconds <= 60)) {
    std::fprintf(stderr, "CPU_THREADS 0..16, INTERVAL_US >= 1, SECONDS in (0, 60]\n");
    return 2;
  }
  auto gil = std::make_shared<runtime::Gil>();
  const runtime::GilUse use{gil.get(), intervalUs, true};
  std::vector<runtime::CancelToken> tokens(cpu);
  std::vector<std::thread> threads;
  for (int i = 0; i < cpu; ++i) {
    threads.emplace_back([&, i] {
      kernels::Call call;
      call.id = kernels::KernelId::Spin;
      call.args[0] = static_cast<uint64_t>(seconds * 1e6);  // cancelled at the end, never finished
      runtime::LockStats stats;
      runtime::TraceBuffer trace;
      runtime::runUnderGil(call, tokens[i], use, stats, trace);
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the CPU threads run first
  runtime::ConvoyProbe probe(gil, intervalUs, 20, 1000);
  std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6)));
  std::vector<uint64_t> latencies = probe.stop();
  for (auto& token : tokens) token.cancel();
  for (auto& thread : threads) thread.join();
  if (latencies.empty()) {
    std::printf("rounds=0\n");
    return 0;
  }
  std::sort(latencies.begin(), latencies.end());
  std::map<uint64_t, int> histogram;
  for (uint64_t ns : latencies) ++histogram[(ns + 1'000'000) / 1'000'000];
  const size_t n = latencies.size();
  std::printf("rounds=%zu p50=%.2f p99=%.2f", n, (latencies[n / 2] + 1e6) / 1e6, (latencies[n * 99 / 100] + 1e6) / 1e6);
  for (const auto& [ms, count] : histogram) std::printf(" %llu:%d", static_cast<unsigned long long>(ms), count);
  std::printf("\n");
  return 0;
}
