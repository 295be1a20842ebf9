// Raw-thread batches (mode 'native'), the convoy probe, and start-up costs of a libuv thread.
#include <pthread.h>

#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>

#include "bindings/addon.h"
#include "bindings/convert.h"
#include "runtime/clocks.h"
#include "runtime/raw_threads.h"

namespace gilscope::bindings {
namespace {

using TokenHandle = std::shared_ptr<runtime::CancelToken>;

// Waits for a raw-thread batch on one libuv thread; the batch's own threads run the kernels.
class RawBatchWorker final : public Napi::AsyncWorker {
 public:
  RawBatchWorker(Napi::Env env, const kernels::Call& call, uint32_t tasks, TokenHandle token, double cancelId,
                 size_t traceCapacity)
      : Napi::AsyncWorker(env, "gilscope:native-batch"),
        deferred_(Napi::Promise::Deferred::New(env)),
        call_(call),
        tasks_(tasks),
        token_(std::move(token)),
        cancelId_(cancelId),
        traceCapacity_(traceCapacity) {}

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override { records_ = runtime::runOnRawThreads(call_, tasks_, *token_, traceCapacity_); }

  void OnOK() override {
    Napi::Env env = Env();
    forgetCancellable(env, cancelId_);
    for (const auto& r : records_) {
      if (!r.error.empty()) {
        deferred_.Reject(Napi::Error::New(env, r.error).Value());
        return;
      }
    }
    Napi::Array out = Napi::Array::New(env, records_.size());
    for (size_t i = 0; i < records_.size(); ++i) out.Set(static_cast<uint32_t>(i), recordToJs(env, records_[i]));
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& e) override {
    forgetCancellable(Env(), cancelId_);
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  kernels::Call call_;
  uint32_t tasks_;
  TokenHandle token_;
  double cancelId_;
  size_t traceCapacity_;
  std::vector<runtime::TaskRecord> records_;
};

// runNative(kernel, args, tasks, traceCapacity?, cancelId?) -> Promise<record[]>
Napi::Value runNative(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const kernels::Call call = toCall(info);
  const auto tasks = static_cast<uint32_t>(toUint(info[2], "tasks", 1, 1024));
  const size_t traceCapacity = toTraceCapacity(info[3]);
  const double cancelId = toCancelId(info[4]);
  auto token = std::make_shared<runtime::CancelToken>();
  registerCancellable(env, cancelId, token);
  auto* worker = new RawBatchWorker(env, call, tasks, std::move(token), cancelId, traceCapacity);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
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

struct ThreadStart {
  std::mutex mutex;
  std::condition_variable cv;
  uint64_t startedNs = 0;
  bool exit = false;
};

// threadStartCost() -> { createNs, rssBytes }: one thread made as libuv makes its pool threads
// (uv_thread_create_ex is pthread_create with an 8 MiB stack on Linux; the addon calls pthread
// directly so it needs only N-API headers), timed from the create call to its first instruction;
// rssBytes is the growth of resident memory while it is alive.
Napi::Value threadStartCost(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ThreadStart s;
  const int64_t rss0 = runtime::residentBytes();
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 8u << 20);
  pthread_t tid;
  const uint64_t t0 = runtime::monotonicNs();
  const int rc = pthread_create(
      &tid, &attr,
      [](void* arg) -> void* {
        auto* st = static_cast<ThreadStart*>(arg);
        const uint64_t now = runtime::monotonicNs();
        std::unique_lock<std::mutex> lock(st->mutex);
        st->startedNs = now;
        st->cv.notify_all();
        st->cv.wait(lock, [st] { return st->exit; });
        return nullptr;
      },
      &s);
  pthread_attr_destroy(&attr);
  if (rc != 0) throw Napi::Error::New(env, std::string("pthread_create failed: ") + std::strerror(rc));
  int64_t rss1 = -1;
  {
    std::unique_lock<std::mutex> lock(s.mutex);
    s.cv.wait(lock, [&s] { return s.startedNs != 0; });
    rss1 = runtime::residentBytes();
    s.exit = true;
    s.cv.notify_all();
  }
  pthread_join(tid, nullptr);
  Napi::Object o = Napi::Object::New(env);
  o.Set("createNs", Napi::Number::New(env, static_cast<double>(s.startedNs - t0)));
  o.Set("rssBytes", Napi::Number::New(env, static_cast<double>(rss0 >= 0 && rss1 >= 0 ? rss1 - rss0 : 0)));
  return o;
}

Napi::Value residentBytes(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(runtime::residentBytes()));
}

}  // namespace

void registerThreads(Napi::Env env, Napi::Object exports) {
  exports.Set("runNative", Napi::Function::New(env, runNative, "runNative"));
  exports.Set("startConvoy", Napi::Function::New(env, startConvoy, "startConvoy"));
  exports.Set("stopConvoy", Napi::Function::New(env, stopConvoy, "stopConvoy"));
  exports.Set("threadStartCost", Napi::Function::New(env, threadStartCost, "threadStartCost"));
  exports.Set("residentBytes", Napi::Function::New(env, residentBytes, "residentBytes"));
}

}  // namespace gilscope::bindings
