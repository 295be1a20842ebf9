// kernelTable / recordLayout / eventKinds / hazardTable: the C++ tables the TypeScript reads, so each
// concept has one source (the kernels and their ranges, the packed record, the trace event codes,
// the hazards' choices and limits). Each returns a fresh plain value and takes no arguments.
#include <cstddef>
#include <cstdint>

#include "bindings/addon.h"
#include "bindings/convert.h"
#include "bindings/record_layout.h"
#include "hazards/experiments.h"
#include "kernels/kernels.h"
#include "runtime/trace.h"

namespace gilscope::bindings {
namespace {

namespace hz = gilscope::hazards;

// kernelTable(): [{ name, params: [{ name, min, max }] }], indexed by kernel id.
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

// recordLayout(): the packed record's field names, by slot (camelCase; see record_layout.h).
Napi::Value recordLayout(const Napi::CallbackInfo& info) { return toStringArray(info.Env(), kRecordFieldNames); }

// eventKinds(): the trace event kinds' names, by code (kebab-case; see runtime/trace.h).
Napi::Value eventKinds(const Napi::CallbackInfo& info) { return toStringArray(info.Env(), runtime::kEventKindNames); }

// hazardTable(): { raceStrategies, lockOrderings, starvationLocks, backoffs, maxThreads,
// maxIncrements, maxMs }: each choice list in its enum's order, the limits inclusive (the lower
// bound of each is 1). See hazards/experiments.h.
Napi::Value hazardTable(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("raceStrategies", toStringArray(env, hz::kRaceStrategyNames));
  o.Set("lockOrderings", toStringArray(env, hz::kLockOrderingNames));
  o.Set("starvationLocks", toStringArray(env, hz::kStarvationLockNames));
  o.Set("backoffs", toStringArray(env, hz::kBackoffNames));
  o.Set("maxThreads", Napi::Number::New(env, static_cast<double>(hz::kMaxThreads)));
  o.Set("maxIncrements", Napi::Number::New(env, static_cast<double>(hz::kMaxIncrements)));
  o.Set("maxMs", Napi::Number::New(env, static_cast<double>(hz::kMaxMs)));
  return o;
}

}  // namespace

void registerTables(Napi::Env env, Napi::Object exports) {
  exportFunctions(env, exports,
                  {
                      {"kernelTable", kernelTable},
                      {"recordLayout", recordLayout},
                      {"eventKinds", eventKinds},
                      {"hazardTable", hazardTable},
                  });
}

}  // namespace gilscope::bindings
