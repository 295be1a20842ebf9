// The one way a binding runs work off the JS thread: a Napi::AsyncWorker that settles a Promise.
#pragma once

#include <napi.h>

#include <utility>

#include "bindings/convert.h"

namespace gilscope::bindings {

// Runs work() on a libuv pool thread and settles a Promise with its Result. The contract:
//  - work is a closure over plain C++ values, copied on the JS thread before the worker is made;
//    work() runs in Execute() and touches no JS value;
//  - an exception from work() (std::exception) rejects with its message;
//  - on the JS thread, pack(env, result) makes the resolution value, or throws a Napi::Error to
//    reject with that error instead;
//  - a cancelId other than 0 (which the binding registered with registerCancellable) is forgotten
//    when the Promise settles, either way.
template <typename Result, typename Work>
class PromiseWorker final : public Napi::AsyncWorker {
 public:
  // Packs the result on the JS thread; may throw a Napi::Error to reject.
  using Pack = Napi::Value (*)(Napi::Env, const Result&);

  // name: the async resource name (async_hooks), "gilscope:<what>".
  PromiseWorker(Napi::Env env, const char* name, Work work, Pack pack, double cancelId)
      : Napi::AsyncWorker(env, name),
        deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)),
        pack_(pack),
        cancelId_(cancelId) {}

  // The Promise this worker settles.
  Napi::Promise promise() { return deferred_.Promise(); }

  // On the pool thread: no JS value is touched.
  void Execute() override { result_ = work_(); }

  // On the JS thread, after Execute() returned.
  void OnOK() override {
    Napi::Env env = Env();
    forgetCancellable(env, cancelId_);
    Napi::Value value;
    try {
      value = pack_(env, result_);
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
      return;
    }
    deferred_.Resolve(value);
  }

  // On the JS thread, after Execute() threw.
  void OnError(const Napi::Error& e) override {
    forgetCancellable(Env(), cancelId_);
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  Work work_;
  Pack pack_;
  double cancelId_;
  Result result_;
};

// Queues work (any callable returning Result) as a PromiseWorker and returns its Promise. Result is
// given explicitly: queuePromise<runtime::TaskRecord>(env, "gilscope:task", work, pack, cancelId).
template <typename Result, typename Work>
Napi::Promise queuePromise(Napi::Env env, const char* name, Work work, Napi::Value (*pack)(Napi::Env, const Result&),
                           double cancelId = 0) {
  auto* worker = new PromiseWorker<Result, Work>(env, name, std::move(work), pack, cancelId);
  Napi::Promise promise = worker->promise();
  worker->Queue();  // the worker deletes itself once settled
  return promise;
}

}  // namespace gilscope::bindings
