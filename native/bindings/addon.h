// N-API bindings: unpack arguments, call the runtime, pack results. Nothing else lives here.
// Per-environment state (one per main thread or worker_thread) is AddonState, held as the
// environment's instance data: the addon has no other mutable statics than the thread-role registry
// (runtime/thread_registry.h), its one deliberate process-wide state.
#pragma once

#include <napi.h>

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <unordered_map>

#include "runtime/cancel.h"
#include "runtime/gil.h"
#include "runtime/thread_registry.h"

namespace gilscope::bindings {

// One pool-probe task (bindings/observe.cc): when it was queued, and when a pool thread started it
// (0 until then; written by that pool thread).
struct ProbeTask {
  uint64_t submitNs = 0;
  std::atomic<uint64_t> startNs{0};
};
struct DispatchState;  // bindings/dispatch.cc

struct AddonState {
  // This environment's emulated interpreter lock. Shared with in-flight tasks so it outlives the
  // environment if a worker is terminated while tasks still run on the pool.
  std::shared_ptr<runtime::Gil> gil = std::make_shared<runtime::Gil>();
  // Tasks that JS may cancel, by the cancel id JS gave them; used on the JS thread only. Entries are
  // added at submission and removed when the task settles. The TypeScript gives every task it
  // submits an id (cancelAll() at exit reaches them all); a call without one (id 0) is not entered.
  std::unordered_map<double, std::weak_ptr<runtime::CancelToken>> cancellable;
  // In a worker_thread's environment: its JS thread, registered as 'worker' until the environment
  // is torn down (runtime/thread_registry.h). Null on the main thread.
  std::unique_ptr<runtime::ThreadRoleScope> workerRole;
  // The latest pool-probe task this environment queued, or null.
  std::shared_ptr<ProbeTask> lastProbe;
  // The dispatcher of released and gil tasks (runtime/dispatch.h) and what it needs of N-API; made
  // by dispatchInit(), once per environment.
  std::shared_ptr<DispatchState> dispatch;
};

// This environment's state; valid from init() until the environment is torn down.
AddonState& state(Napi::Env env);

// The module's init: sets the instance data and registers every area's functions.
Napi::Object init(Napi::Env env, Napi::Object exports);

// One exported function: its JS name and the callback behind it.
struct Export {
  const char* name;
  Napi::Value (*fn)(const Napi::CallbackInfo&);
};

// Sets exports[e.name] to a JS function named e.name that calls e.fn, for each entry.
void exportFunctions(Napi::Env env, Napi::Object exports, std::initializer_list<Export> functions);

// Each area registers its functions on exports.
void registerTasks(Napi::Env env, Napi::Object exports);
void registerTables(Napi::Env env, Napi::Object exports);
void registerProbes(Napi::Env env, Napi::Object exports);
void registerThreads(Napi::Env env, Napi::Object exports);
void registerHazards(Napi::Env env, Napi::Object exports);
void registerObserve(Napi::Env env, Napi::Object exports);
void registerDispatch(Napi::Env env, Napi::Object exports);

// Cancels every task of this environment's dispatcher still unfinished (no-op before dispatchInit).
void cancelAllDispatched(Napi::Env env);

}  // namespace gilscope::bindings
