// runSync / submit / cancel / cancelAll: one task held on the JS thread or queued on the libuv
// threadpool, and the emulated lock's counters.
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "bindings/addon.h"
#include "bindings/convert.h"
#include "bindings/worker.h"
#include "common/clock.h"
#include "runtime/gil.h"
#include "runtime/task.h"

namespace gilscope::bindings {
namespace {

using runtime::CancelToken;

// runSync(kernel, args, cancelFlag?, traceCapacity?): runs on the JS thread (held), returns the record.
// cancelFlag: an Int32Array over a SharedArrayBuffer; another thread cancels the task by storing a
// non-zero value in cell 0 (worker mode: the parent aborts a worker's held task this way). The flag
// is only read during this synchronous call, while the caller keeps it alive.
Napi::Value runSync(const Napi::CallbackInfo& info) {
  const kernels::Call call = toCall(info);
  const int32_t* flag = nullptr;
  if (info.Length() > 2 && !info[2].IsUndefined()) {
    if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
        info[2].As<Napi::Int32Array>().ElementLength() < 1) {
      throw Napi::TypeError::New(info.Env(), "cancelFlag must be an Int32Array of length >= 1");
    }
    flag = info[2].As<Napi::Int32Array>().Data();
  }
  const size_t traceCapacity = toTraceCapacity(info[3]);
  CancelToken token(flag);
  const runtime::TaskRecord r = runtime::executeTask(call, token, common::monotonicNs(), nullptr, traceCapacity);
  return recordOrThrow(info.Env(), r);
}

// submit(kernel, args, gil?: { switchIntervalUs, forcedSwitching }, traceCapacity?, cancelId?)
//   -> Promise<record>, run on a libuv pool thread. With a cancelId, cancel(cancelId) stops the task.
Napi::Value submit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const kernels::Call call = toCall(info);
  std::optional<runtime::GilUse> gilUse;
  std::shared_ptr<runtime::Gil> gil;  // keeps gilUse->gil alive while the task runs
  if (info.Length() > 2 && !info[2].IsUndefined()) {
    if (!info[2].IsObject()) throw Napi::TypeError::New(env, "gil must be an object");
    const Napi::Object o = info[2].As<Napi::Object>();
    gil = state(env).gil;
    runtime::GilUse use;
    use.gil = gil.get();
    use.switchIntervalUs = toUint(o.Get("switchIntervalUs"), "switchIntervalUs", 1, 1'000'000);
    use.forcedSwitching = toBool(o.Get("forcedSwitching"), "forcedSwitching");
    gilUse = use;
  }
  const size_t traceCapacity = toTraceCapacity(info[3]);
  const double cancelId = toCancelId(info[4]);
  auto token = std::make_shared<CancelToken>();
  registerCancellable(env, cancelId, token);
  const uint64_t submitNs = common::monotonicNs();
  auto work = [call, token = std::move(token), gilUse, gil = std::move(gil), traceCapacity, submitNs] {
    return runtime::executeTask(call, *token, submitNs, gilUse ? &*gilUse : nullptr, traceCapacity);
  };
  return queuePromise<runtime::TaskRecord>(env, "gilscope:task", std::move(work), recordOrThrow, cancelId);
}

// cancel(cancelId): safe at any time, any number of times; an id whose task settled is ignored.
Napi::Value cancel(const Napi::CallbackInfo& info) {
  const double id = toCancelId(info[0]);
  auto& live = state(info.Env()).cancellable;
  const auto it = live.find(id);
  if (it != live.end()) {
    if (auto token = it->second.lock()) token->cancel();
  }
  return info.Env().Undefined();
}

// cancelAll(): cancels every cancellable task of this environment still in flight (process exit).
Napi::Value cancelAll(const Napi::CallbackInfo& info) {
  for (auto& [id, weak] : state(info.Env()).cancellable) {
    if (auto token = weak.lock()) token->cancel();
  }
  cancelAllDispatched(info.Env());
  return info.Env().Undefined();
}

// gilCounters(): totals of this environment's emulated lock since it was created.
Napi::Value gilCounters(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const runtime::Gil::Counters c = state(env).gil->counters();
  Napi::Object o = Napi::Object::New(env);
  o.Set("acquisitions", Napi::Number::New(env, static_cast<double>(c.acquisitions)));
  o.Set("handoffs", Napi::Number::New(env, static_cast<double>(c.handoffs)));
  o.Set("dropRequests", Napi::Number::New(env, static_cast<double>(c.dropRequests)));
  o.Set("holdNs", Napi::Number::New(env, static_cast<double>(c.holdNs)));
  return o;
}

}  // namespace

void registerTasks(Napi::Env env, Napi::Object exports) {
  exportFunctions(env, exports,
                  {
                      {"runSync", runSync},
                      {"submit", submit},
                      {"cancel", cancel},
                      {"cancelAll", cancelAll},
                      {"gilCounters", gilCounters},
                  });
}

}  // namespace gilscope::bindings
