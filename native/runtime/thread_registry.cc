#include "runtime/thread_registry.h"

#include <mutex>
#include <unordered_map>

#include "common/thread_id.h"

namespace gilscope::runtime {
namespace {

// The process-wide registry (see the header). Function-local statics: constructed on first use,
// thread-safe; never destroyed before the last thread that uses them (they live to process exit).
std::mutex& registryMutex() {
  static std::mutex m;
  return m;
}

std::unordered_map<int64_t, ThreadRole>& registry() {
  static auto* map = new std::unordered_map<int64_t, ThreadRole>();  // leaked: threads may outlive exit
  return *map;
}

}  // namespace

void registerThread(int64_t tid, ThreadRole role) {
  const std::lock_guard<std::mutex> lock(registryMutex());
  registry()[tid] = role;
}

void unregisterThread(int64_t tid) {
  const std::lock_guard<std::mutex> lock(registryMutex());
  registry().erase(tid);
}

std::vector<std::pair<int64_t, ThreadRole>> registeredThreads() {
  const std::lock_guard<std::mutex> lock(registryMutex());
  return {registry().begin(), registry().end()};
}

ThreadRoleScope::ThreadRoleScope(ThreadRole role) : tid_(common::osThreadId()) { registerThread(tid_, role); }
ThreadRoleScope::~ThreadRoleScope() { unregisterThread(tid_); }

}  // namespace gilscope::runtime
