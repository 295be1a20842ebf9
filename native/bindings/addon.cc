#include "bindings/addon.h"

#include <unistd.h>

#include "common/thread_id.h"

namespace gilscope::bindings {

AddonState& state(Napi::Env env) { return *env.GetInstanceData<AddonState>(); }

void exportFunctions(Napi::Env env, Napi::Object exports, std::initializer_list<Export> functions) {
  for (const Export& e : functions) exports.Set(e.name, Napi::Function::New(env, e.fn, e.name));
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  // Freed by Node when this environment is torn down (main thread exit or worker termination).
  auto* s = new AddonState();
  // The process's main thread has tid == pid; any other JS thread is a worker_thread's.
  if (common::osThreadId() != static_cast<int64_t>(getpid())) {
    s->workerRole = std::make_unique<runtime::ThreadRoleScope>(runtime::ThreadRole::Worker);
  }
  env.SetInstanceData(s);
  registerTasks(env, exports);
  registerTables(env, exports);
  registerProbes(env, exports);
  registerThreads(env, exports);
  registerHazards(env, exports);
  registerObserve(env, exports);
  registerDispatch(env, exports);
  exports.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  return exports;
}

}  // namespace gilscope::bindings

// Context-aware module (NAPI_MODULE_INIT under the hood): init runs once per environment.
static Napi::Object InitGilscope(Napi::Env env, Napi::Object exports) { return gilscope::bindings::init(env, exports); }
NODE_API_MODULE(gilscope, InitGilscope)
