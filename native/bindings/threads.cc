// Raw-thread batches (mode 'native'), the convoy probe, and start-up costs of a libuv-like thread.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "bindings/addon.h"
#include "bindings/convert.h"
#include "bindings/worker.h"
#include "runtime/convoy.h"
#include "runtime/measure.h"
#include "runtime/raw_threads.h"
#include "runtime/usage.h"

namespace gilscope::bindings {
namespace {

// The batch's records as a JS array, or a thrown Napi::Error for the first record that failed.
Napi::Value packRecords(Napi::Env env, const std::vector<runtime::TaskRecord>& records) {
  for (const auto& r : records) {
    if (!r.error.empty()) throw Napi::Error::New(env, r.error);
  }
  Napi::Array out = Napi::Array::New(env, records.size());
  for (size_t i = 0; i < records.size(); ++i) out.Set(static_cast<uint32_t>(i), recordToJs(env, records[i]));
  return out;
}

// runNative(kernel, args, tasks, traceCapacity?, cancelId?) -> Promise<record[]>. One libuv pool
// thread waits for the batch; the batch's own threads run the kernels.
Napi::Value runNative(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const kernels::Call call = toCall(info);
  const auto tasks = static_cast<uint32_t>(toUint(info[2], "tasks", 1, 1024));
  const size_t traceCapacity = toTraceCapacity(info[3]);
  const double cancelId = toCancelId(info[4]);
  auto token = std::make_shared<runtime::CancelToken>();
  registerCancellable(env, cancelId, token);
  auto work = [call, tasks, token = std::move(token), traceCapacity] {
    return runtime::runOnRawThreads(call, tasks, *token, traceCapacity);
  };
  return queuePromise<std::vector<runtime::TaskRecord>>(env, "gilscope:native-batch", std::move(work), packRecords,
                                                        cancelId);
}

// startConvoy({ switchIntervalUs, workUs, waitUs, traceCapacity? }) -> handle;
// stopConvoy(handle) -> { latenciesNs: Float64Array, threadId, events?, eventsDropped? }.
// The probe thread touches no JS value; an unstopped probe is stopped when its handle is collected.
Napi::Value startConvoy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "options must be an object");
  const Napi::Object o = info[0].As<Napi::Object>();
  const uint64_t interval = toUint(o.Get("switchIntervalUs"), "switchIntervalUs", 1, 1'000'000);
  const uint64_t work = toUint(o.Get("workUs"), "workUs", 0, 1'000'000);
  const uint64_t wait = toUint(o.Get("waitUs"), "waitUs", 1, 1'000'000);
  auto* probe = new runtime::ConvoyProbe(state(env).gil, interval, work, wait, toTraceCapacity(o.Get("traceCapacity")));
  return Napi::External<runtime::ConvoyProbe>::New(env, probe, [](Napi::Env, runtime::ConvoyProbe* p) { delete p; });
}

Napi::Value stopConvoy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsExternal()) throw Napi::TypeError::New(env, "probe must be a convoy probe handle");
  runtime::ConvoyProbe* probe = info[0].As<Napi::External<runtime::ConvoyProbe>>().Data();
  const std::vector<uint64_t> latencies = probe->stop();
  Napi::Float64Array lat = Napi::Float64Array::New(env, latencies.size());
  for (size_t i = 0; i < latencies.size(); ++i) lat[i] = static_cast<double>(latencies[i]);
  Napi::Object out = Napi::Object::New(env);
  out.Set("latenciesNs", lat);
  out.Set("threadId", Napi::Number::New(env, static_cast<double>(probe->threadId())));
  setTrace(env, out, probe->trace());
  return out;
}

// threadStartCost() -> { createNs, rssBytes }: see runtime::measureThreadStart.
Napi::Value threadStartCost(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const runtime::ThreadStartCost c = runtime::measureThreadStart();
  if (!c.error.empty()) throw Napi::Error::New(env, c.error);
  Napi::Object o = Napi::Object::New(env);
  o.Set("createNs", Napi::Number::New(env, static_cast<double>(c.createNs)));
  o.Set("rssBytes", Napi::Number::New(env, static_cast<double>(c.rssBytes)));
  return o;
}

// residentBytes() -> this process's resident set in bytes, or -1.
Napi::Value residentBytes(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(runtime::residentBytes()));
}

}  // namespace

void registerThreads(Napi::Env env, Napi::Object exports) {
  exportFunctions(env, exports,
                  {
                      {"runNative", runNative},
                      {"startConvoy", startConvoy},
                      {"stopConvoy", stopConvoy},
                      {"threadStartCost", threadStartCost},
                      {"residentBytes", residentBytes},
                  });
}

}  // namespace gilscope::bindings
