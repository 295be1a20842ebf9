// Argument unpacking and result packing shared by the bindings. Each unpacker throws a JS TypeError
// or RangeError naming the parameter; none aborts the process.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "bindings/record_layout.h"
#include "kernels/kernels.h"
#include "runtime/cancel.h"
#include "runtime/task.h"
#include "runtime/trace.h"

namespace gilscope::bindings {

// An integer-valued finite number in [min, max].
uint64_t toUint(const Napi::Value& v, const char* name, uint64_t min, uint64_t max);
// A boolean.
bool toBool(const Napi::Value& v, const char* name);
// A string that is one of the `count` strings at accepted; returns its index. The error lists them.
size_t toChoiceIndex(const Napi::Value& v, const char* name, const char* const* accepted, size_t count);
// A string that is one of an enum's names; returns the enumerator. `names` is the enum's name table,
// in declaration order (the index is the enumerator), e.g. hazards::kRaceStrategyNames.
template <typename Enum, size_t N>
Enum toChoice(const Napi::Value& v, const char* name, const char* const (&names)[N]) {
  return static_cast<Enum>(toChoiceIndex(v, name, names, N));
}
// A name table (see toChoice) as a JS array of its strings, in order.
template <size_t N>
Napi::Array toStringArray(Napi::Env env, const char* const (&names)[N]) {
  Napi::Array out = Napi::Array::New(env, N);
  for (size_t i = 0; i < N; ++i) out.Set(static_cast<uint32_t>(i), Napi::String::New(env, names[i]));
  return out;
}
// info[0] = kernel name (string), info[1] = array of arguments in the kernel's parameter order.
kernels::Call toCall(const Napi::CallbackInfo& info);
// A task record as a BigInt64Array laid out as in record_layout.h (recordLayout() gives JS the
// names). When present, `error` (string) and the trace (see setTrace) are properties of the array.
Napi::Object recordToJs(Napi::Env env, const runtime::TaskRecord& r);
// recordToJs(r), or a thrown Napi::Error when the kernel failed (r.error): a PromiseWorker pack.
Napi::Value recordOrThrow(Napi::Env env, const runtime::TaskRecord& r);
// A cancel id: undefined -> 0 (not cancellable), else an integer in [1, 2^53 - 1].
double toCancelId(const Napi::Value& v);
// Makes the task's token cancellable from JS under `id` (no-op for id 0) until forgetCancellable.
void registerCancellable(Napi::Env env, double id, const std::shared_ptr<runtime::CancelToken>& token);
// Ends what registerCancellable began, when the task settles (no-op for id 0 or an unknown id).
void forgetCancellable(Napi::Env env, double id);

// Events per task to record: undefined -> 0 (tracing off), else an integer in [0, 2^20].
size_t toTraceCapacity(const Napi::Value& v);
// Sets o.events = { ns: BigUint64Array, kinds: Uint8Array } and o.eventsDropped when trace is on.
void setTrace(Napi::Env env, Napi::Object o, const runtime::TraceBuffer& trace);

}  // namespace gilscope::bindings
