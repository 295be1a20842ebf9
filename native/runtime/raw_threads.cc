#include "runtime/raw_threads.h"

#include <cstring>
#include <exception>
#include <string>
#include <system_error>
#include <thread>

#include "common/clock.h"
#include "runtime/thread_registry.h"

namespace gilscope::runtime {

std::vector<TaskRecord> runOnRawThreads(const kernels::Call& call, uint32_t tasks, CancelToken& token,
                                        size_t traceCapacity) {
  std::vector<TaskRecord> records(tasks);
  std::vector<std::thread> threads;
  threads.reserve(tasks);
  const uint64_t submitNs = common::monotonicNs();
  for (uint32_t i = 0; i < tasks; ++i) {
    try {
      threads.emplace_back([&records, &call, &token, submitNs, i, traceCapacity] {
        const ThreadRoleScope role(ThreadRole::Native);
        records[i] = executeTask(call, token, submitNs, nullptr, traceCapacity);
      });
    } catch (const std::exception& e) {
      // The OS refused a thread: stop the ones started and report it on every missing task, with
      // the errno's name and how many had started (all of them are joined before this returns).
      token.cancel();
      const auto* sys = dynamic_cast<const std::system_error*>(&e);
      const char* name = sys != nullptr ? strerrorname_np(sys->code().value()) : nullptr;
      const std::string error = std::string("could not start thread ") + std::to_string(i + 1) + " of " +
                                std::to_string(tasks) + ": " + (name != nullptr ? name : "error") + " (" + e.what() +
                                "); the " + std::to_string(i) + " started were stopped and joined";
      for (uint32_t j = i; j < tasks; ++j) {
        records[j].kernel = call.id;
        records[j].cancelled = true;
        records[j].error = error;
      }
      break;
    }
  }
  for (auto& t : threads) t.join();
  return records;
}

}  // namespace gilscope::runtime
