// runSync / submit / cancel: one task held on the JS thread or queued on the libuv threadpool.
#include <memory>
#include <optional>

#include "bindings/addon.h"
#include "bindings/convert.h"
#include "runtime/clocks.h"
#include "runtime/gil.h"
#include "runtime/task.h"

namespace gilscope::bindings {
namespace {

using runtime::CancelToken;
using TokenHandle = std::shared_ptr<CancelToken>;

// One task on a libuv pool thread. Inputs are copied into C++ values in the constructor; Execute()
// touches no JS value; the Promise settles on the JS thread.
class TaskWorker final : public Napi::AsyncWorker {
 public:
  TaskWorker(Napi::Env env, const kernels::Call& call, TokenHandle token, double cancelId,
             std::optional<runtime::GilUse> gilUse, std::shared_ptr<runtime::Gil> gil, size_t traceCapacity)
      : Napi::AsyncWorker(env, "gilscope:task"),
        deferred_(Napi::Promise::Deferred::New(env)),
        call_(call),
        token_(std::move(token)),
        cancelId_(cancelId),
        gilUse_(gilUse),
        gil_(std::move(gil)),
        traceCapacity_(traceCapacity),
        submitNs_(runtime::monotonicNs()) {}

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    record_ = runtime::executeTask(call_, *token_, submitNs_, gilUse_ ? &*gilUse_ : nullptr, traceCapacity_);
  }

  void OnOK() override {
    Napi::Env env = Env();
    forgetCancellable(env, cancelId_);
    if (!record_.error.empty()) {
      deferred_.Reject(Napi::Error::New(env, record_.error).Value());
      return;
    }
    deferred_.Resolve(recordToJs(env, record_));
  }

  void OnError(const Napi::Error& e) override {
    forgetCancellable(Env(), cancelId_);
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  kernels::Call call_;
  TokenHandle token_;
  double cancelId_;
  std::optional<runtime::GilUse> gilUse_;
  std::shared_ptr<runtime::Gil> gil_;  // keeps gilUse_->gil alive
  size_t traceCapacity_;
  uint64_t submitNs_;
  runtime::TaskRecord record_;
};

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
  const runtime::TaskRecord r = runtime::executeTask(call, token, runtime::monotonicNs(), nullptr, traceCapacity);
  if (!r.error.empty()) throw Napi::Error::New(info.Env(), r.error);
  return recordToJs(info.Env(), r);
}

// submit(kernel, args, gil?: { switchIntervalUs, forcedSwitching }, traceCapacity?, cancelId?)
//   -> Promise<record>. With a cancelId, cancel(cancelId) stops the task.
Napi::Value submit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const kernels::Call call = toCall(info);
  std::optional<runtime::GilUse> gilUse;
  std::shared_ptr<runtime::Gil> gil;
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
  auto* worker = new TaskWorker(env, call, std::move(token), cancelId, gilUse, std::move(gil), traceCapacity);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
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
  return info.Env().Undefined();
}

// kernelTable(): [{ name, params: [{ name, min, max }] }] — the C++ side of the catalog.
Napi::Value kernelTable(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, kernels::kernelCount());
  for (size_t i = 0; i < kernels::kernelCount(); ++i) {
    const kernels::KernelSpec& k = kernels::kernelTable()[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", k.name);
    Napi::Array params = Napi::Array::New(env, k.paramCount);
    for (int p = 0; p < k.paramCount; ++p) {
      Napi::Object po = Napi::Object::New(env);
      po.Set("name", k.params[p].name);
      po.Set("min", Napi::Number::New(env, static_cast<double>(k.params[p].min)));
      po.Set("max", Napi::Number::New(env, static_cast<double>(k.params[p].max)));
      params.Set(static_cast<uint32_t>(p), po);
    }
    o.Set("params", params);
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
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
  exports.Set("runSync", Napi::Function::New(env, runSync, "runSync"));
  exports.Set("submit", Napi::Function::New(env, submit, "submit"));
  exports.Set("cancel", Napi::Function::New(env, cancel, "cancel"));
  exports.Set("cancelAll", Napi::Function::New(env, cancelAll, "cancelAll"));
  exports.Set("kernelTable", Napi::Function::New(env, kernelTable, "kernelTable"));
  exports.Set("gilCounters", Napi::Function::New(env, gilCounters, "gilCounters"));
}

}  // namespace gilscope::bindings
