// Clock and usage reads for the calling (JS) thread, and the dispatch baselines the bench compares
// against: an empty node-addon-api call, a raw N-API call, and a bare napi_async_work round trip.
#include <node_api.h>

#include "bindings/addon.h"
#include "bindings/convert.h"
#include "runtime/clocks.h"
#include "runtime/trace.h"

namespace gilscope::bindings {
namespace {

Napi::Value monotonicNs(const Napi::CallbackInfo& info) {
  return Napi::BigInt::New(info.Env(), runtime::monotonicNs());
}

Napi::Value threadCpuNs(const Napi::CallbackInfo& info) {
  return Napi::BigInt::New(info.Env(), runtime::threadCpuNs());
}

// threadUsage(): the calling thread's sample (see runtime::sampleThread).
Napi::Value threadUsage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const runtime::ThreadUsage u = runtime::sampleThread();
  Napi::Object o = Napi::Object::New(env);
  o.Set("threadId", Napi::Number::New(env, static_cast<double>(runtime::osThreadId())));
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

// traceCost(events) -> { nsPerEvent, nsPerEventOff }: the cost of recording one event into a
// task's buffer (one CLOCK_MONOTONIC read and a store), and of the same call with tracing off.
Napi::Value traceCost(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto n = static_cast<size_t>(toUint(info[0], "events", 1, 10'000'000));
  runtime::TraceBuffer on(n);
  runtime::TraceBuffer off;
  const uint64_t t0 = runtime::monotonicNs();
  for (size_t i = 0; i < n; ++i) on.record(runtime::EventKind::LockAcquired);
  const uint64_t t1 = runtime::monotonicNs();
  for (size_t i = 0; i < n; ++i) off.record(runtime::EventKind::LockAcquired);
  const uint64_t t2 = runtime::monotonicNs();
  if (on.events().size() != n || on.dropped() != 0) throw Napi::Error::New(env, "traceCost: events were lost");
  Napi::Object o = Napi::Object::New(env);
  o.Set("nsPerEvent", Napi::Number::New(env, static_cast<double>(t1 - t0) / static_cast<double>(n)));
  o.Set("nsPerEventOff", Napi::Number::New(env, static_cast<double>(t2 - t1) / static_cast<double>(n)));
  return o;
}

void setRaw(Napi::Env env, Napi::Object exports, const char* name, napi_callback cb) {
  napi_value fn = nullptr;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn));
  exports.Set(name, Napi::Value(env, fn));
}

}  // namespace

void registerProbes(Napi::Env env, Napi::Object exports) {
  exports.Set("monotonicNs", Napi::Function::New(env, monotonicNs, "monotonicNs"));
  exports.Set("threadCpuNs", Napi::Function::New(env, threadCpuNs, "threadCpuNs"));
  exports.Set("threadUsage", Napi::Function::New(env, threadUsage, "threadUsage"));
  exports.Set("processUsage", Napi::Function::New(env, processUsage, "processUsage"));
  exports.Set("noop", Napi::Function::New(env, noop, "noop"));
  exports.Set("traceCost", Napi::Function::New(env, traceCost, "traceCost"));
  setRaw(env, exports, "rawNoop", rawNoop);
  setRaw(env, exports, "bareAsyncWork", bareAsyncWork);
}

}  // namespace gilscope::bindings
