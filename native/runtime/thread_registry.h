// Which threads of this process gilscope knows the role of: the JS threads of worker_threads that
// loaded the addon, and the raw threads gilscope started itself (mode 'native').
//
// This is the addon's one deliberate process-wide state: a thread's role is a fact about the
// process, not about one environment, and any environment (the main thread's or a worker's) may
// ask for it. It is a mutex-guarded map from tid to role; an entry lives from the thread's
// registration to its unregistration (a ThreadRoleScope does both), so a tid reused later by the OS
// is never mislabelled.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace gilscope::runtime {

enum class ThreadRole : uint8_t { Worker, Native };
inline constexpr const char* kThreadRoleNames[] = {"worker", "native"};

// Registers tid under role (replacing an earlier entry for the same tid).
void registerThread(int64_t tid, ThreadRole role);
// Forgets tid (no-op when unknown).
void unregisterThread(int64_t tid);
// Every registered thread, in no particular order.
std::vector<std::pair<int64_t, ThreadRole>> registeredThreads();

// Registers the calling thread for its lifetime in a scope.
class ThreadRoleScope {
 public:
  explicit ThreadRoleScope(ThreadRole role);
  ~ThreadRoleScope();
  ThreadRoleScope(const ThreadRoleScope&) = delete;
  ThreadRoleScope& operator=(const ThreadRoleScope&) = delete;

 private:
  int64_t tid_;
};

}  // namespace gilscope::runtime
