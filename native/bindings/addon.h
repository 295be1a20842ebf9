// N-API bindings: unpack arguments, call the runtime, pack results. Nothing else lives here.
// Per-environment state (one per main thread or worker_thread) is AddonState, held as the
// environment's instance data: the addon has no mutable statics.
#pragma once

#include <napi.h>

#include <memory>
#include <unordered_map>

#include "runtime/gil.h"

namespace gilscope::bindings {

struct AddonState {
  // This environment's emulated interpreter lock. Shared with in-flight tasks so it outlives the
  // environment if a worker is terminated while tasks still run on the pool.
  std::shared_ptr<runtime::Gil> gil = std::make_shared<runtime::Gil>();
  // Tasks that JS may cancel, by the cancel id JS gave them; used on the JS thread only. Entries are
  // added at submission and removed when the task settles. A task submitted without an id (no
  // AbortSignal) costs nothing here.
  std::unordered_map<double, std::weak_ptr<runtime::CancelToken>> cancellable;
};

AddonState& state(Napi::Env env);

// The module's init: sets the instance data and registers every area's functions.
Napi::Object init(Napi::Env env, Napi::Object exports);

// Each area registers its functions on exports.
void registerTasks(Napi::Env env, Napi::Object exports);
void registerProbes(Napi::Env env, Napi::Object exports);
void registerThreads(Napi::Env env, Napi::Object exports);
void registerHazards(Napi::Env env, Napi::Object exports);

}  // namespace gilscope::bindings
