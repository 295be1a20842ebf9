#include "bindings/convert.h"

#include <cmath>
#include <string>

#include "bindings/addon.h"

namespace gilscope::bindings {

uint64_t toUint(const Napi::Value& v, const char* name, uint64_t min, uint64_t max) {
  // The message is built only on failure: formatting it costs more than the check.
  auto range = [min, max] { return "[" + std::to_string(min) + ", " + std::to_string(max) + "]"; };
  if (!v.IsNumber()) {
    throw Napi::TypeError::New(v.Env(), std::string(name) + " must be an integer in " + range());
  }
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d != std::floor(d) || d < static_cast<double>(min) || d > static_cast<double>(max)) {
    throw Napi::RangeError::New(
        v.Env(), std::string(name) + " must be an integer in " + range() + ", received " + v.ToString().Utf8Value());
  }
  return static_cast<uint64_t>(d);
}

bool toBool(const Napi::Value& v, const char* name) {
  if (!v.IsBoolean()) throw Napi::TypeError::New(v.Env(), std::string(name) + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

size_t toChoiceIndex(const Napi::Value& v, const char* name, const char* const* accepted, size_t count) {
  std::string list;
  for (size_t i = 0; i < count; ++i) list += (list.empty() ? "'" : ", '") + std::string(accepted[i]) + "'";
  if (!v.IsString()) throw Napi::TypeError::New(v.Env(), std::string(name) + " must be one of " + list);
  const std::string s = v.As<Napi::String>().Utf8Value();
  for (size_t i = 0; i < count; ++i) {
    if (s == accepted[i]) return i;
  }
  throw Napi::RangeError::New(v.Env(), std::string(name) + " must be one of " + list + ", received '" + s + "'");
}

kernels::Call toCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "kernel must be a string");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  const kernels::KernelSpec* spec = kernels::findKernel(name);
  if (spec == nullptr) throw Napi::RangeError::New(env, "kernel: unknown kernel '" + name + "'");
  if (!info[1].IsArray()) throw Napi::TypeError::New(env, "args must be an array");
  const Napi::Array args = info[1].As<Napi::Array>();
  if (args.Length() != static_cast<uint32_t>(spec->paramCount)) {
    throw Napi::RangeError::New(env, "args: kernel '" + name + "' takes " + std::to_string(spec->paramCount) +
                                         " arguments, received " + std::to_string(args.Length()));
  }
  kernels::Call call;
  call.id = spec->id;
  for (int i = 0; i < spec->paramCount; ++i) {
    const kernels::ParamSpec& p = spec->params[i];
    call.args[i] = toUint(args.Get(static_cast<uint32_t>(i)), p.name, p.min, p.max);
  }
  return call;
}

Napi::Object recordToJs(Napi::Env env, const runtime::TaskRecord& r) {
  // One typed array instead of an object with twenty properties: setting named properties through
  // N-API costs about 200 ns each, which would dominate an empty task. Layout: RecordField.
  Napi::BigInt64Array a = Napi::BigInt64Array::New(env, kRecordFields);
  auto set = [&a](RecordField f, int64_t v) { a[static_cast<size_t>(f)] = v; };
  set(RecordField::Kernel, static_cast<int64_t>(r.kernel));
  set(RecordField::Result, static_cast<int64_t>(r.result));
  set(RecordField::Flags, (r.started ? 1 : 0) | (r.cancelled ? 2 : 0));
  set(RecordField::ThreadId, r.threadId);
  set(RecordField::SubmitNs, static_cast<int64_t>(r.submitNs));
  set(RecordField::StartNs, static_cast<int64_t>(r.startNs));
  set(RecordField::EndNs, static_cast<int64_t>(r.endNs));
  set(RecordField::CpuNs, static_cast<int64_t>(r.cpuNs));
  set(RecordField::UserUs, static_cast<int64_t>(r.userUs));
  set(RecordField::SystemUs, static_cast<int64_t>(r.systemUs));
  set(RecordField::VoluntarySwitches, r.voluntarySwitches);
  set(RecordField::InvoluntarySwitches, r.involuntarySwitches);
  set(RecordField::RunQueueNs, r.runQueueNs);
  set(RecordField::LockWaitNs, static_cast<int64_t>(r.lock.waitNs));
  set(RecordField::LockHoldNs, static_cast<int64_t>(r.lock.holdNs));
  set(RecordField::LockAcquisitions, static_cast<int64_t>(r.lock.acquisitions));
  set(RecordField::DropRequests, static_cast<int64_t>(r.lock.dropRequests));
  if (!r.error.empty()) a.Set("error", r.error);
  setTrace(env, a, r.trace);
  return a;
}

Napi::Value recordOrThrow(Napi::Env env, const runtime::TaskRecord& r) {
  if (!r.error.empty()) throw Napi::Error::New(env, r.error);
  return recordToJs(env, r);
}

double toCancelId(const Napi::Value& v) {
  if (v.IsUndefined()) return 0;
  return static_cast<double>(toUint(v, "cancelId", 1, 9007199254740991ull));
}

void registerCancellable(Napi::Env env, double id, const std::shared_ptr<runtime::CancelToken>& token) {
  if (id != 0) state(env).cancellable[id] = token;
}

void forgetCancellable(Napi::Env env, double id) {
  if (id != 0) state(env).cancellable.erase(id);
}

size_t toTraceCapacity(const Napi::Value& v) {
  if (v.IsUndefined()) return 0;
  return static_cast<size_t>(toUint(v, "traceCapacity", 0, 1u << 20));
}

void setTrace(Napi::Env env, Napi::Object o, const runtime::TraceBuffer& trace) {
  if (!trace.enabled()) return;
  const auto& events = trace.events();
  Napi::BigUint64Array ns = Napi::BigUint64Array::New(env, events.size());
  Napi::Uint8Array kinds = Napi::Uint8Array::New(env, events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    ns[i] = events[i].ns;
    kinds[i] = static_cast<uint8_t>(events[i].kind);
  }
  Napi::Object e = Napi::Object::New(env);
  e.Set("ns", ns);
  e.Set("kinds", kinds);
  o.Set("events", e);
  o.Set("eventsDropped", Napi::Number::New(env, static_cast<double>(trace.dropped())));
}

}  // namespace gilscope::bindings
