// hazardRace / hazardDeadlock / hazardStarvation / hazardLivelock: each checks its arguments,
// runs the experiment on a libuv pool thread (they take up to their time bound) and returns a
// Promise of the report.
#include <cmath>
#include <cstdint>

#include "bindings/addon.h"
#include "bindings/convert.h"
#include "bindings/worker.h"
#include "hazards/experiments.h"

namespace gilscope::bindings {
namespace {

namespace hz = gilscope::hazards;

Napi::Number num(Napi::Env env, double v) { return Napi::Number::New(env, v); }
Napi::Number num(Napi::Env env, uint64_t v) { return Napi::Number::New(env, static_cast<double>(v)); }

Napi::Value packRace(Napi::Env env, const hz::RaceReport& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("threads", num(env, static_cast<uint64_t>(r.threads)));
  o.Set("incrementsPerThread", num(env, r.incrementsPerThread));
  o.Set("expected", num(env, r.expected));
  o.Set("actual", num(env, r.actual));
  o.Set("lostUpdates", num(env, r.lostUpdates));
  o.Set("wallNs", num(env, r.wallNs));
  o.Set("nsPerIncrement", num(env, r.nsPerIncrement));
  o.Set("stoppedEarly", Napi::Boolean::New(env, r.stoppedEarly));
  return o;
}

Napi::Value packDeadlock(Napi::Env env, const hz::DeadlockReport& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("deadlocked", Napi::Boolean::New(env, r.deadlocked));
  o.Set("detectedAfterNs", num(env, r.detectedAfterNs));
  Napi::Array cycle = Napi::Array::New(env, r.cycle.size());
  for (size_t i = 0; i < r.cycle.size(); ++i) {
    Napi::Object e = Napi::Object::New(env);
    e.Set("thread", num(env, static_cast<double>(r.cycle[i].thread)));
    e.Set("holdsMask", num(env, static_cast<double>(r.cycle[i].holdsMask)));
    e.Set("waitsFor", num(env, static_cast<double>(r.cycle[i].waitsFor)));
    cycle.Set(static_cast<uint32_t>(i), e);
  }
  o.Set("cycle", cycle);
  o.Set("victim", num(env, static_cast<double>(r.victim)));
  o.Set("timedOut", Napi::Boolean::New(env, r.timedOut));
  Napi::Array threads = Napi::Array::New(env, 2);
  for (uint32_t i = 0; i < 2; ++i) {
    const hz::DeadlockThread& t = r.threads[i];
    Napi::Object to = Napi::Object::New(env);
    to.Set("osThreadId", num(env, static_cast<double>(t.osThreadId)));
    to.Set("completed", Napi::Boolean::New(env, t.completed));
    to.Set("backedOut", Napi::Boolean::New(env, t.backedOut));
    to.Set("longestWaitNs", num(env, t.longestWaitNs));
    threads.Set(i, to);
  }
  o.Set("threads", threads);
  o.Set("wallNs", num(env, r.wallNs));
  return o;
}

Napi::Value packStarvation(Napi::Env env, const hz::StarvationReport& r) {
  Napi::Object o = Napi::Object::New(env);
  Napi::Array threads = Napi::Array::New(env, r.threads.size());
  for (size_t i = 0; i < r.threads.size(); ++i) {
    const hz::StarvationThread& t = r.threads[i];
    Napi::Object to = Napi::Object::New(env);
    to.Set("acquisitions", num(env, t.acquisitions));
    to.Set("longestWaitNs", num(env, t.longestWaitNs));
    to.Set("totalWaitNs", num(env, t.totalWaitNs));
    threads.Set(static_cast<uint32_t>(i), to);
  }
  o.Set("threads", threads);
  o.Set("uncontendedAcquisitions", num(env, r.uncontendedAcquisitions));
  o.Set("guardedCount", num(env, r.guardedCount));
  o.Set("longestWaitNs", num(env, r.longestWaitNs));
  if (std::isnan(r.fairnessIndex)) {
    o.Set("fairnessIndex", env.Null());
  } else {
    o.Set("fairnessIndex", num(env, r.fairnessIndex));
  }
  o.Set("wallNs", num(env, r.wallNs));
  return o;
}

Napi::Value packLivelock(Napi::Env env, const hz::LivelockReport& r) {
  Napi::Object o = Napi::Object::New(env);
  Napi::Array threads = Napi::Array::New(env, 2);
  for (uint32_t i = 0; i < 2; ++i) {
    Napi::Object to = Napi::Object::New(env);
    to.Set("attempts", num(env, r.threads[i].attempts));
    to.Set("progress", num(env, r.threads[i].progress));
    to.Set("backoffs", num(env, r.threads[i].backoffs));
    threads.Set(i, to);
  }
  o.Set("threads", threads);
  o.Set("attempts", num(env, r.attempts));
  o.Set("progress", num(env, r.progress));
  o.Set("backoffs", num(env, r.backoffs));
  o.Set("exclusionViolations", num(env, r.exclusionViolations));
  o.Set("slotNs", num(env, r.slotNs));
  o.Set("windowNs", num(env, r.windowNs));
  o.Set("wallNs", num(env, r.wallNs));
  return o;
}

// hazardRace(threads, increments, strategy, timeLimitMs) -> Promise<report>
Napi::Value hazardRace(const Napi::CallbackInfo& info) {
  const auto threads = static_cast<uint32_t>(toUint(info[0], "threads", 1, hz::kMaxThreads));
  const uint64_t increments = toUint(info[1], "increments", 1, hz::kMaxIncrements);
  const auto strategy = toChoice<hz::RaceStrategy>(info[2], "strategy", hz::kRaceStrategyNames);
  const uint64_t timeLimitMs = toUint(info[3], "timeLimitMs", 1, hz::kMaxMs);
  return queuePromise<hz::RaceReport>(
      info.Env(), "gilscope:hazard:race", [=] { return hz::runRace(threads, increments, strategy, timeLimitMs); },
      packRace);
}

// hazardDeadlock(timeoutMs, ordering) -> Promise<report>
Napi::Value hazardDeadlock(const Napi::CallbackInfo& info) {
  const uint64_t timeoutMs = toUint(info[0], "timeoutMs", 1, hz::kMaxMs);
  const auto ordering = toChoice<hz::LockOrdering>(info[1], "ordering", hz::kLockOrderingNames);
  return queuePromise<hz::DeadlockReport>(
      info.Env(), "gilscope:hazard:deadlock", [=] { return hz::runDeadlock(timeoutMs, ordering); }, packDeadlock);
}

// hazardStarvation(threads, durationMs, lock) -> Promise<report>
Napi::Value hazardStarvation(const Napi::CallbackInfo& info) {
  const auto threads = static_cast<uint32_t>(toUint(info[0], "threads", 1, hz::kMaxThreads));
  const uint64_t durationMs = toUint(info[1], "durationMs", 1, hz::kMaxMs);
  const auto lock = toChoice<hz::StarvationLock>(info[2], "lock", hz::kStarvationLockNames);
  return queuePromise<hz::StarvationReport>(
      info.Env(), "gilscope:hazard:starvation", [=] { return hz::runStarvation(threads, durationMs, lock); },
      packStarvation);
}

// hazardLivelock(durationMs, backoff) -> Promise<report>
Napi::Value hazardLivelock(const Napi::CallbackInfo& info) {
  const uint64_t durationMs = toUint(info[0], "durationMs", 1, hz::kMaxMs);
  const auto backoff = toChoice<hz::Backoff>(info[1], "backoff", hz::kBackoffNames);
  return queuePromise<hz::LivelockReport>(
      info.Env(), "gilscope:hazard:livelock", [=] { return hz::runLivelock(durationMs, backoff); }, packLivelock);
}

}  // namespace

void registerHazards(Napi::Env env, Napi::Object exports) {
  exportFunctions(env, exports,
                  {
                      {"hazardRace", hazardRace},
                      {"hazardDeadlock", hazardDeadlock},
                      {"hazardStarvation", hazardStarvation},
                      {"hazardLivelock", hazardLivelock},
                  });
}

}  // namespace gilscope::bindings
