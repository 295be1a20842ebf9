// Argument unpacking shared by the bindings. Each throws a JS TypeError or RangeError naming the
// parameter; none aborts the process.
#pragma once

#include <napi.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>

#include "kernels/kernels.h"
#include "runtime/task.h"

namespace gilscope::bindings {

// An integer-valued finite number in [min, max].
uint64_t toUint(const Napi::Value& v, const char* name, uint64_t min, uint64_t max);
bool toBool(const Napi::Value& v, const char* name);
// A string that is one of `accepted`; returns its index in the list.
size_t toChoice(const Napi::Value& v, const char* name, std::initializer_list<const char*> accepted);
// info[0] = kernel name (string), info[1] = array of arguments in the kernel's parameter order.
kernels::Call toCall(const Napi::CallbackInfo& info);
// A task record as a BigInt64Array indexed by RecordField (src/native.ts decodes it, RECORD_FIELDS
// there mirrors this order; -1 in RunQueueNs means none). When present, `error` (string) and the
// trace (see setTrace) are properties of the array object.
enum class RecordField : size_t {
  Kernel,
  Result,
  Flags,  // bit 0: started, bit 1: cancelled
  ThreadId,
  SubmitNs,
  StartNs,
  EndNs,
  CpuNs,
  UserUs,
  SystemUs,
  VoluntarySwitches,
  InvoluntarySwitches,
  RunQueueNs,
  LockWaitNs,
  LockHoldNs,
  LockAcquisitions,
  DropRequests,
};
constexpr size_t kRecordFields = static_cast<size_t>(RecordField::DropRequests) + 1;
Napi::Object recordToJs(Napi::Env env, const runtime::TaskRecord& r);
// A cancel id: undefined -> 0 (not cancellable), else an integer in [1, 2^53 - 1].
double toCancelId(const Napi::Value& v);
// Makes the task's token cancellable from JS under `id` (no-op for id 0); forget() when it settles.
void registerCancellable(Napi::Env env, double id, const std::shared_ptr<runtime::CancelToken>& token);
void forgetCancellable(Napi::Env env, double id);

// Events per task to record: undefined -> 0 (tracing off), else an integer in [0, 2^20].
size_t toTraceCapacity(const Napi::Value& v);
// Sets o.events = { ns: BigUint64Array, kinds: Uint8Array } and o.eventsDropped when trace is on.
void setTrace(Napi::Env env, Napi::Object o, const runtime::TraceBuffer& trace);

}  // namespace gilscope::bindings
