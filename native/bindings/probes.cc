// Clock and usage reads for the calling (JS) thread, the dispatch baselines the bench compares
// against (an empty node-addon-api call, a raw N-API call, a bare napi_async_work round trip), and
// the cost of recording a trace event.
#include <node_api.h>

#include "bindings/addon.h"
#include "bindings/convert.h"
#include "common/clock.h"
#include "common/thread_id.h"
#include "runtime/measure.h"
#include "runtime/usage.h"

namespace gilscope::bindings {
namespace {

// monotonicNs() -> bigint: CLOCK_MONOTONIC now (the clock of process.hrtime.bigint()).
Napi::Value monotonicNs(const Napi::CallbackInfo& info) { return Napi::BigInt::New(info.Env(), common::monotonicNs()); }

// threadCpuNs() -> bigint: the calling thread's CPU time.
Napi::Value threadCpuNs(const Napi::CallbackInfo& info) { return Napi::BigInt::New(info.Env(), common::threadCpuNs()); }

// threadUsage(): the calling thread's sample (see runtime::sampleThread).
Napi::Value threadUsage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const runtime::ThreadUsage u = runtime::sampleThread();
  Napi::Object o = Napi::Object::New(env);
  o.Set("threadId", Napi::Number::New(env, static_cast<double>(common::osThreadId())));
  o.Set("cpuNs", Napi::BigInt::New(env, u.cpuNs));
  o.Set("userUs", Napi::Number::New(env, static_cast<double>(u.userUs)));
  o.Set("systemUs", Napi::Number::New(env, static_cast<double>(u.systemUs)));
  o.Set("voluntarySwitches", Napi::Number::New(env, static_cast<double>(u.voluntarySwitches)));
  o.Set("involuntarySwitches", Napi::Number::New(env, static_cast<double>(u.involuntarySwitches)));
  if (u.runQueueNs >= 0) {
    o.Set("runQueueNs", Napi::Number::New(env, static_cast<double>(u.runQueueNs)));
  } else {
    o.Set("runQueueNs", env.Null());
  }
  return o;
}

// processUsage(): getrusage(RUSAGE_SELF) user and system time.
Napi::Value processUsage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const runtime::ProcessUsage p = runtime::sampleProcess();
  Napi::Object o = Napi::Object::New(env);
  o.Set("userUs", Napi::Number::New(env, static_cast<double>(p.userUs)));
  o.Set("systemUs", Napi::Number::New(env, static_cast<double>(p.systemUs)));
  return o;
}

// The node-addon-api no-op: what a held call costs before any kernel work.
Napi::Value noop(const Napi::CallbackInfo& info) { return info.Env().Undefined(); }

// The raw N-API no-op: the floor for any synchronous native call.
napi_value rawNoop(napi_env, napi_callback_info) { return nullptr; }

// A bare napi_async_work that does nothing: the floor for any released task. Resolves a promise.
struct BareWork {
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
};

void bareExecute(napi_env, void*) {}

void bareComplete(napi_env env, napi_status, void* data) {
  auto* w = static_cast<BareWork*>(data);
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  napi_resolve_deferred(env, w->deferred, undefined);
  napi_delete_async_work(env, w->work);
  delete w;
}

napi_value bareAsyncWork(napi_env env, napi_callback_info) {
  auto* w = new BareWork();
  napi_value promise = nullptr;
  napi_value name = nullptr;
  if (napi_create_promise(env, &w->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "gilscope:bare", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, nullptr, name, bareExecute, bareComplete, w, &w->work) != napi_ok ||
      napi_queue_async_work(env, w->work) != napi_ok) {
    delete w;
    napi_throw_error(env, nullptr, "bareAsyncWork: could not queue the work");
    return nullptr;
  }
  return promise;
}

// traceCost(events) -> { nsPerEvent, nsPerEventOff }: see runtime::measureTraceCost.
Napi::Value traceCost(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto n = static_cast<size_t>(toUint(info[0], "events", 1, 10'000'000));
  const runtime::TraceCost c = runtime::measureTraceCost(n);
  if (!c.error.empty()) throw Napi::Error::New(env, c.error);
  Napi::Object o = Napi::Object::New(env);
  o.Set("nsPerEvent", Napi::Number::New(env, c.nsPerEvent));
  o.Set("nsPerEventOff", Napi::Number::New(env, c.nsPerEventOff));
  return o;
}

// Sets exports[name] to a function made with the raw N-API (no node-addon-api wrapper), calling cb.
void exportRaw(Napi::Env env, Napi::Object exports, const char* name, napi_callback cb) {
  napi_value fn = nullptr;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn));
  exports.Set(name, Napi::Value(env, fn));
}

}  // namespace

void registerProbes(Napi::Env env, Napi::Object exports) {
  exportFunctions(env, exports,
                  {
                      {"monotonicNs", monotonicNs},
                      {"threadCpuNs", threadCpuNs},
                      {"threadUsage", threadUsage},
                      {"processUsage", processUsage},
                      {"noop", noop},
                      {"traceCost", traceCost},
                  });
  exportRaw(env, exports, "rawNoop", rawNoop);
  exportRaw(env, exports, "bareAsyncWork", bareAsyncWork);
}

}  // namespace gilscope::bindings
