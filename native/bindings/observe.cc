// Observing the whole process: any thread's CPU clock, the threads whose role gilscope knows, and
// the pool census and queue-delay probe (tiny tasks on the libuv pool).
#include <napi.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "bindings/addon.h"
#include "bindings/convert.h"
#include "bindings/worker.h"
#include "common/clock.h"
#include "common/thread_id.h"
#include "runtime/census.h"
#include "runtime/thread_cpu.h"
#include "runtime/thread_registry.h"

namespace gilscope::bindings {
namespace {

// The most tids one call reads: far above any real process (Node uses about 11 threads).
constexpr uint32_t kMaxTids = 65'536;

// threadCpuNsOf(tids: number[]) -> Float64Array: each thread's CPU ns, -1 where it cannot be read.
Napi::Value threadCpuNsOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "tids must be an array of thread ids");
  const Napi::Array tids = info[0].As<Napi::Array>();
  if (tids.Length() > kMaxTids) throw Napi::RangeError::New(env, "tids: at most 65536 thread ids");
  std::vector<int64_t> ids(tids.Length());
  for (uint32_t i = 0; i < tids.Length(); ++i) {
    ids[i] = static_cast<int64_t>(toUint(tids.Get(i), "tids[i]", 1, 0x7fffffff));
  }
  Napi::Float64Array out = Napi::Float64Array::New(env, ids.size());
  for (size_t i = 0; i < ids.size(); ++i) out[i] = static_cast<double>(runtime::threadCpuNsOf(ids[i]));
  return out;
}

// osThreadId() -> number: the calling (JS) thread's tid.
Napi::Value osThreadId(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(common::osThreadId()));
}

// registeredThreads() -> { tid, role }[]: see runtime/thread_registry.h.
Napi::Value registeredThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto list = runtime::registeredThreads();
  Napi::Array out = Napi::Array::New(env, list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("tid", Napi::Number::New(env, static_cast<double>(list[i].first)));
    o.Set("role", Napi::String::New(env, runtime::kThreadRoleNames[static_cast<size_t>(list[i].second)]));
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

struct CensusArrival {
  int64_t tid = 0;
  bool met = false;
};

Napi::Value packArrival(Napi::Env env, const CensusArrival& a) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("tid", Napi::Number::New(env, static_cast<double>(a.tid)));
  o.Set("met", Napi::Boolean::New(env, a.met));
  return o;
}

// poolCensus(count, timeoutMs) -> Promise<{ tid, met }>[]: count tasks queued to the libuv pool
// that meet at a barrier (runtime/census.h); none waits past timeoutMs from now.
Napi::Value poolCensus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto count = static_cast<uint32_t>(toUint(info[0], "count", 1, 1024));
  const uint64_t timeoutMs = toUint(info[1], "timeoutMs", 1, 60'000);
  auto barrier = std::make_shared<runtime::CensusBarrier>(count, common::monotonicNs() + common::msToNs(timeoutMs));
  Napi::Array out = Napi::Array::New(env, count);
  for (uint32_t i = 0; i < count; ++i) {
    auto work = [barrier] {
      CensusArrival a;
      a.tid = common::osThreadId();
      a.met = barrier->arrive();
      return a;
    };
    out.Set(i, queuePromise<CensusArrival>(env, "gilscope:census", std::move(work), packArrival));
  }
  return out;
}

Napi::Value packDelay(Napi::Env env, const uint64_t& ns) { return Napi::Number::New(env, static_cast<double>(ns)); }

// poolQueueDelay() -> Promise<number>: one empty task on the libuv pool; resolves with the ns from
// its queueing (on the JS thread) to its start on a pool thread. The task is also this
// environment's latest probe (see lastProbe), readable before its Promise settles.
Napi::Value poolQueueDelay(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto probe = std::make_shared<ProbeTask>();
  probe->submitNs = common::monotonicNs();
  state(env).lastProbe = probe;
  auto work = [probe] {
    const uint64_t startNs = common::monotonicNs();
    probe->startNs.store(startNs, std::memory_order_release);
    return startNs > probe->submitNs ? startNs - probe->submitNs : 0;
  };
  return queuePromise<uint64_t>(env, "gilscope:pool-probe", std::move(work), packDelay);
}

// lastProbe() -> { started, waitNs } | null: this environment's latest probe task; waitNs is its
// queue wait when started, else its wait so far.
Napi::Value lastProbe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto& probe = state(env).lastProbe;
  if (!probe) return env.Null();
  const uint64_t startNs = probe->startNs.load(std::memory_order_acquire);
  const uint64_t endNs = startNs != 0 ? startNs : common::monotonicNs();
  Napi::Object o = Napi::Object::New(env);
  o.Set("started", Napi::Boolean::New(env, startNs != 0));
  o.Set("waitNs", Napi::Number::New(env, static_cast<double>(endNs > probe->submitNs ? endNs - probe->submitNs : 0)));
  return o;
}

}  // namespace

void registerObserve(Napi::Env env, Napi::Object exports) {
  exportFunctions(env, exports,
                  {
                      {"threadCpuNsOf", threadCpuNsOf},
                      {"osThreadId", osThreadId},
                      {"registeredThreads", registeredThreads},
                      {"poolCensus", poolCensus},
                      {"poolQueueDelay", poolQueueDelay},
                      {"lastProbe", lastProbe},
                  });
}

}  // namespace gilscope::bindings
