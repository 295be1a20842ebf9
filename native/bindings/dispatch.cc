// The dispatcher's N-API side (runtime/dispatch.h): one per environment, made by dispatchInit().
//   dispatchInit(onSettled, poolSize, heldRow)
//   runHeld(): runs the task requested in heldRow on the JS thread, its row into heldRow; throws its error
//   dispatchRun(): one task, asked for in heldRow: kernelId, a0, a1, a2, tag, switchIntervalUs (0: no gil),
//     forcedSwitching
//   dispatchBatch(kernelId, a0, a1, a2, count, rows, tag, switchIntervalUs, forcedSwitching)
//   dispatchCancel(tag)
//   dispatchCounters() -> { tasks, wakeups, drainers, sharedReadings, live }
//   readingCosts(calls) -> { monotonicNs, threadCpuNs, rusageNs, schedstatNs, readingNs }
// onSettled(rows, batchTags, errors) is called on the JS thread once per wake-up: rows holds the
// finished run() tasks (kRowStride doubles each), batchTags the tags of finished batches (whose
// rows are in the Float64Array given to dispatchBatch), errors [tag, index, message] triples or
// undefined. Hot paths use the raw N-API: node-addon-api's wrappers cost more than the work.
#include "runtime/dispatch.h"

#include <node_api.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "bindings/addon.h"
#include "bindings/convert.h"
#include "bindings/record_layout.h"
#include "common/clock.h"
#include "common/thread_id.h"
#include "runtime/reading.h"
#include "runtime/task.h"

namespace gilscope::bindings {

struct DispatchState {
  napi_env env = nullptr;
  napi_threadsafe_function wake = nullptr;  // unref'd: the drainers' works keep the loop alive
  napi_ref onSettled = nullptr;
  napi_ref heldRowRef = nullptr;
  double* heldRow = nullptr;
  runtime::CancelToken heldToken;  // runHeld's: a held task is never cancelled (JS waits for it)
  std::unique_ptr<runtime::Dispatcher> dispatcher;
};

namespace {

using runtime::Group;

static_assert(kRowStride <= Group::kInlineRow, "a single task's row fits in Group::inlineRow");

// Writes r into one row (kRowStride doubles) with its tag.
void writeRowAt(const runtime::TaskRecord& r, double* row, double tag) {
  auto set = [row](RecordField f, double v) { row[static_cast<size_t>(f)] = v; };
  auto rel = [row](RecordField f, uint64_t ns) { std::memcpy(&row[static_cast<size_t>(f)], &ns, sizeof ns); };
  set(RecordField::Kernel, static_cast<double>(r.kernel));
  set(RecordField::Result, static_cast<double>(r.result));
  set(RecordField::Flags, (r.started ? 1 : 0) | (r.cancelled ? 2 : 0));
  set(RecordField::ThreadId, static_cast<double>(r.threadId));
  rel(RecordField::SubmitNs, r.submitNs);
  rel(RecordField::StartNs, r.startNs);
  rel(RecordField::EndNs, r.endNs);
  set(RecordField::CpuNs, static_cast<double>(r.cpuNs));
  set(RecordField::UserUs, static_cast<double>(r.userUs));
  set(RecordField::SystemUs, static_cast<double>(r.systemUs));
  set(RecordField::VoluntarySwitches, static_cast<double>(r.voluntarySwitches));
  set(RecordField::InvoluntarySwitches, static_cast<double>(r.involuntarySwitches));
  set(RecordField::RunQueueNs, static_cast<double>(r.runQueueNs));
  set(RecordField::LockWaitNs, static_cast<double>(r.lock.waitNs));
  set(RecordField::LockHoldNs, static_cast<double>(r.lock.holdNs));
  set(RecordField::LockAcquisitions, static_cast<double>(r.lock.acquisitions));
  set(RecordField::DropRequests, static_cast<double>(r.lock.dropRequests));
  row[kRowTag] = tag;
  row[kRowWallNs] = static_cast<double>(r.endNs - r.startNs);
  row[kRowQueueNs] = static_cast<double>(r.startNs - r.submitNs);
}

void writeRow(const runtime::TaskRecord& r, Group& g, uint32_t index) {
  writeRowAt(r, g.rows + static_cast<size_t>(index) * kRowStride, g.tag);
}

// Pool thread: ask the JS thread to settle (never blocks; fails only while the environment closes).
void wakeJs(void* ctx) {
  napi_call_threadsafe_function(static_cast<DispatchState*>(ctx)->wake, nullptr, napi_tsfn_nonblocking);
}

// A new Float64Array of `length` and its data; nullptr when it cannot be made (the environment is
// being torn down and JS values can no longer be created).
napi_value newFloat64Array(napi_env env, size_t length, double** data) {
  napi_value buffer = nullptr;
  napi_value array = nullptr;
  void* raw = nullptr;
  // (the buffer holds the rows' int64 slots too)
  if (napi_create_arraybuffer(env, length * sizeof(double), &raw, &buffer) != napi_ok ||
      napi_create_typedarray(env, napi_float64_array, length, buffer, 0, &array) != napi_ok ||
      (raw == nullptr && length > 0)) {
    return nullptr;
  }
  *data = static_cast<double*>(raw);
  return array;
}

// The finished groups' settlement arguments: rows of the run() tasks, tags of the batches, errors;
// false when they cannot be made (the environment is being torn down).
bool settleArgs(napi_env env, const std::vector<Group*>& groups, napi_value argv[3]) {
  size_t singles = 0;
  size_t batches = 0;
  bool errors = false;
  for (const Group* g : groups) {
    (g->owner == nullptr ? singles : batches) += 1;
    errors = errors || g->errorIndex >= 0;
  }
  double* rows = nullptr;
  double* tags = nullptr;
  argv[0] = newFloat64Array(env, singles * kRowStride, &rows);
  argv[1] = newFloat64Array(env, batches, &tags);
  if (argv[0] == nullptr || argv[1] == nullptr) return false;
  napi_get_undefined(env, &argv[2]);
  if (errors) napi_create_array(env, &argv[2]);
  uint32_t errorCount = 0;
  for (const Group* g : groups) {
    if (g->owner == nullptr) {
      std::memcpy(rows, g->rows, kRowStride * sizeof(double));
      rows += kRowStride;
    } else {
      *tags++ = g->tag;
    }
    if (g->errorIndex < 0) continue;
    napi_value triple = nullptr;
    napi_value v = nullptr;
    napi_create_array_with_length(env, 3, &triple);
    napi_create_double(env, g->tag, &v);
    napi_set_element(env, triple, 0, v);
    napi_create_double(env, static_cast<double>(g->errorIndex), &v);
    napi_set_element(env, triple, 1, v);
    napi_create_string_utf8(env, g->error.c_str(), g->error.size(), &v);
    napi_set_element(env, triple, 2, v);
    napi_set_element(env, argv[2], errorCount++, triple);
  }
  return true;
}

// JS thread: settles every group finished so far with one call of onSettled.
void settle(napi_env env, DispatchState& s) {
  const std::vector<Group*> groups = s.dispatcher->takeDone();
  if (groups.empty()) return;
  napi_handle_scope scope = nullptr;
  napi_open_handle_scope(env, &scope);
  napi_value argv[3];
  const bool ok = settleArgs(env, groups, argv);
  for (Group* g : groups) {
    if (g->owner != nullptr) napi_delete_reference(env, static_cast<napi_ref>(g->owner));
    delete g;
  }
  napi_value fn = nullptr;
  napi_value global = nullptr;
  if (!ok || napi_get_reference_value(env, s.onSettled, &fn) != napi_ok || fn == nullptr ||
      napi_get_global(env, &global) != napi_ok) {
    napi_close_handle_scope(env, scope);
    return;
  }
  // An exception stays pending: Node reports it as uncaught when this callback (a threadsafe
  // function's or an async work's completion) returns. While the environment is torn down, JS
  // cannot run and the call fails: the promises it would settle are gone with it.
  napi_call_function(env, global, fn, 3, argv, nullptr);
  napi_close_handle_scope(env, scope);
}

void callSettle(napi_env env, napi_value, void* context, void*) {
  if (env != nullptr) settle(env, *static_cast<DispatchState*>(context));
}

// One drainer: a napi_async_work (so that Node waits for it at teardown) running drain().
struct Drainer {
  napi_async_work work = nullptr;
  DispatchState* state = nullptr;
};

void drainerExecute(napi_env, void* data) { static_cast<Drainer*>(data)->state->dispatcher->drain(); }

void drainerComplete(napi_env env, napi_status status, void* data) {
  auto* d = static_cast<Drainer*>(data);
  DispatchState* s = d->state;
  napi_delete_async_work(env, d->work);
  delete d;
  if (status == napi_cancelled) {
    s->dispatcher->drainerLost();
    return;
  }
  settle(env, *s);  // what this drainer finished last, even if the wake-up comes later
}

void startDrainers(napi_env env, DispatchState& s, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    auto* d = new Drainer{nullptr, &s};
    napi_value name = nullptr;
    napi_create_string_utf8(env, "gilscope:drainer", NAPI_AUTO_LENGTH, &name);
    if (napi_create_async_work(env, nullptr, name, drainerExecute, drainerComplete, d, &d->work) != napi_ok ||
        napi_queue_async_work(env, d->work) != napi_ok) {
      delete d;
      s.dispatcher->drainerLost();
    }
  }
}

DispatchState* dispatchState(napi_env env) {
  DispatchState* s = state(Napi::Env(env)).dispatch.get();
  if (s == nullptr) napi_throw_error(env, nullptr, "gilscope: dispatchInit() was not called");
  return s;
}

// Reads argc numbers into out; false (with a TypeError thrown) when one is not a number.
bool numbers(napi_env env, napi_callback_info info, size_t argc, double* out, napi_value* rest = nullptr,
             size_t restAt = 0) {
  napi_value argv[10];
  size_t n = 10;
  napi_get_cb_info(env, info, &n, argv, nullptr, nullptr);
  for (size_t i = 0; i < argc; ++i) {
    if (rest != nullptr && i == restAt) {
      *rest = argv[i];
      out[i] = 0;
      continue;
    }
    if (i >= n || napi_get_value_double(env, argv[i], &out[i]) != napi_ok) {
      napi_throw_type_error(env, nullptr, ("argument " + std::to_string(i) + " must be a number").c_str());
      return false;
    }
  }
  return true;
}

// The call from (kernelId, a0, a1, a2), each checked against the kernel table; false (thrown) if not.
bool callOf(napi_env env, const double* v, kernels::Call& call) {
  const double id = v[0];
  if (!(id >= 0 && id < static_cast<double>(kernels::kernelCount())) || id != std::floor(id)) {
    napi_throw_range_error(env, nullptr, "kernelId is not a kernel of this addon");
    return false;
  }
  const kernels::KernelSpec& spec = kernels::kernelTable()[static_cast<size_t>(id)];
  call.id = spec.id;
  for (int i = 0; i < spec.paramCount; ++i) {
    const double a = v[1 + i];
    const kernels::ParamSpec& p = spec.params[i];
    if (!(a >= static_cast<double>(p.min) && a <= static_cast<double>(p.max)) || a != std::floor(a)) {
      napi_throw_range_error(env, nullptr, (std::string(p.name) + " is out of its range").c_str());
      return false;
    }
    call.args[i] = static_cast<uint64_t>(a);
  }
  return true;
}

// The gil use from (switchIntervalUs, forcedSwitching); switchIntervalUs 0: no gil.
void gilOf(napi_env env, double intervalUs, double forced, Group& g) {
  if (intervalUs <= 0) return;
  g.gilOwner = state(Napi::Env(env)).gil;
  runtime::GilUse use;
  use.gil = g.gilOwner.get();
  use.switchIntervalUs = static_cast<uint64_t>(intervalUs);
  use.forcedSwitching = forced != 0;
  g.gil = use;
}

void queueGroup(napi_env env, DispatchState& s, Group* g) {
  g->submitNs = common::monotonicNs();
  startDrainers(env, s, s.dispatcher->submit(g));
}

// What JS writes in heldRow's tag slot beside a request, for runHeld and for dispatchRun (a record's
// tag there is 0, and each call clears it): a row without one is refused, so a call repeated
// without a new request never runs a stale one or settles a tag twice.
constexpr double kHeldRequest = 1;
constexpr double kRunRequest = 2;

// dispatchRun(): the request is in heldRow's first seven slots (kernel id, three arguments, tag,
// switchIntervalUs, forcedSwitching), as runHeld's is: unpacking seven numbers from a call costs
// more than the rest of a submission's native side.
napi_value dispatchRun(napi_env env, napi_callback_info) {
  DispatchState* s = dispatchState(env);
  if (s == nullptr) return nullptr;
  if (s->heldRow[kRowTag] != kRunRequest) {
    napi_throw_error(env, nullptr, "dispatchRun: heldRow holds no request (write one first, as submit does)");
    return nullptr;
  }
  s->heldRow[kRowTag] = 0;
  const double* v = s->heldRow;
  auto* g = new Group();
  if (!callOf(env, v, g->call) || v[5] < 0 || v[5] > 1'000'000) {
    if (v[5] < 0 || v[5] > 1'000'000) napi_throw_range_error(env, nullptr, "switchIntervalUs is out of range");
    delete g;
    return nullptr;
  }
  g->tag = v[4];
  gilOf(env, v[5], v[6], *g);
  g->rows = g->inlineRow;
  queueGroup(env, *s, g);
  return nullptr;
}

napi_value dispatchBatch(napi_env env, napi_callback_info info) {
  double v[9];
  napi_value rows = nullptr;
  DispatchState* s = dispatchState(env);
  if (s == nullptr || !numbers(env, info, 9, v, &rows, 5)) return nullptr;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  const double count = v[4];
  if (napi_get_typedarray_info(env, rows, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float64_array || !(count >= 1 && count <= 1e6) || count != std::floor(count) ||
      length < static_cast<size_t>(count) * kRowStride) {
    napi_throw_type_error(env, nullptr, "dispatchBatch: rows must be a Float64Array of count rows");
    return nullptr;
  }
  auto* g = new Group();
  if (!callOf(env, v, g->call)) {
    delete g;
    return nullptr;
  }
  g->count = static_cast<uint32_t>(count);
  g->tag = v[6];
  gilOf(env, v[7], v[8], *g);
  g->rows = static_cast<double*>(data);
  napi_ref ref = nullptr;
  napi_create_reference(env, rows, 1, &ref);  // rows stay alive (and in place) until settled
  g->owner = ref;
  queueGroup(env, *s, g);
  return nullptr;
}

napi_value dispatchCancel(napi_env env, napi_callback_info info) {
  double tag = 0;
  DispatchState* s = dispatchState(env);
  if (s == nullptr || !numbers(env, info, 1, &tag)) return nullptr;
  s->dispatcher->cancel(tag);
  return nullptr;
}

// runHeld(): the request is in heldRow itself (slots 0-3: kernel id, three arguments), so that
// the call passes no arguments at all (unpacking four numbers costs about a third of what the
// call adds to its readings); the record replaces it.
// The tag slot of heldRow marks a request as written (kHeldRequest): a row that holds the last record
// instead (runHeld called again without a new request) is refused, never run as a request.
napi_value runHeld(napi_env env, napi_callback_info) {
  DispatchState* s = dispatchState(env);
  if (s == nullptr) return nullptr;
  if (s->heldRow[kRowTag] != kHeldRequest) {
    napi_throw_error(env, nullptr, "runHeld: heldRow holds no request (write one first, as runHeldRow does)");
    return nullptr;
  }
  s->heldRow[kRowTag] = 0;
  kernels::Call call;
  if (!callOf(env, s->heldRow, call)) return nullptr;
  // A held task starts as it is submitted: its start reading's clock is its submitNs (queueNs 0).
  const runtime::Reading start = runtime::readThread();
  runtime::Reading end;
  const runtime::TaskRecord r = runtime::executeBetween(call, s->heldToken, start.beforeNs, nullptr, start, end);
  writeRowAt(r, s->heldRow, 0);
  if (!r.error.empty()) napi_throw_error(env, nullptr, r.error.c_str());
  return nullptr;
}

void closeDispatch(void* arg) {
  // Environment teardown: the drainers have finished (Node waits for their works before cleanup
  // hooks run); what is still unsettled can no longer be, and Node closes the wake-up itself.
  // The two references dispatchInit made are this environment's to delete (LeakSanitizer sees them
  // otherwise); the environment is still valid while its cleanup hooks run.
  auto* s = static_cast<DispatchState*>(arg);
  s->dispatcher->cancelAll();
  if (s->onSettled != nullptr) napi_delete_reference(s->env, s->onSettled);
  if (s->heldRowRef != nullptr) napi_delete_reference(s->env, s->heldRowRef);
  s->onSettled = nullptr;
  s->heldRowRef = nullptr;
}

// dispatchInit(onSettled, poolSize, heldRow): see the file's header.
Napi::Value dispatchInit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonState& st = state(env);
  if (st.dispatch) throw Napi::Error::New(env, "dispatchInit: already called in this environment");
  if (!info[0].IsFunction()) throw Napi::TypeError::New(env, "onSettled must be a function");
  const auto pool = static_cast<size_t>(toUint(info[1], "poolSize", 1, 1024));
  if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      info[2].As<Napi::Float64Array>().ElementLength() < kRowStride) {
    throw Napi::TypeError::New(env, "heldRow must be a Float64Array of one row");
  }
  auto s = std::make_shared<DispatchState>();
  s->env = env;
  s->heldRow = info[2].As<Napi::Float64Array>().Data();
  NAPI_THROW_IF_FAILED(env, napi_create_reference(env, info[2], 1, &s->heldRowRef), Napi::Value());
  NAPI_THROW_IF_FAILED(env, napi_create_reference(env, info[0], 1, &s->onSettled), Napi::Value());
  napi_value name = Napi::String::New(env, "gilscope:settle");
  NAPI_THROW_IF_FAILED(env,
                       napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, s.get(),
                                                       callSettle, &s->wake),
                       Napi::Value());
  napi_unref_threadsafe_function(env, s->wake);
  s->dispatcher = std::make_unique<runtime::Dispatcher>(pool, wakeJs, writeRow, s.get());
  st.dispatch = s;
  napi_add_env_cleanup_hook(env, closeDispatch, s.get());
  return env.Undefined();
}

Napi::Value readingCosts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const runtime::ReadingCosts c = runtime::measureReadingCosts(toUint(info[0], "calls", 1, 10'000'000));
  Napi::Object o = Napi::Object::New(env);
  o.Set("monotonicNs", c.monotonicNs);
  o.Set("threadCpuNs", c.threadCpuNs);
  o.Set("rusageNs", c.rusageNs);
  o.Set("schedstatNs", c.schedstatNs);
  o.Set("readingNs", c.readingNs);
  return o;
}

// dispatchCounters() -> { tasks, wakeups, drainers, sharedReadings, live } (see Dispatcher::Counters).
Napi::Value dispatchCounters(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  const auto& d = state(env).dispatch;
  const runtime::Dispatcher::Counters c = d ? d->dispatcher->counters() : runtime::Dispatcher::Counters{};
  o.Set("tasks", static_cast<double>(c.tasks));
  o.Set("wakeups", static_cast<double>(c.wakeups));
  o.Set("drainers", static_cast<double>(c.drainers));
  o.Set("sharedReadings", static_cast<double>(c.sharedReadings));
  o.Set("live", static_cast<double>(d ? d->dispatcher->live() : 0));
  return o;
}

void exportRaw(Napi::Env env, Napi::Object exports, const char* name, napi_callback cb) {
  napi_value fn = nullptr;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn));
  exports.Set(name, Napi::Value(env, fn));
}

}  // namespace

void cancelAllDispatched(Napi::Env env) {
  if (state(env).dispatch) state(env).dispatch->dispatcher->cancelAll();
}

void registerDispatch(Napi::Env env, Napi::Object exports) {
  exportFunctions(
      env, exports,
      {{"dispatchInit", dispatchInit}, {"readingCosts", readingCosts}, {"dispatchCounters", dispatchCounters}});
  exportRaw(env, exports, "runHeld", runHeld);
  exportRaw(env, exports, "dispatchRun", dispatchRun);
  exportRaw(env, exports, "dispatchBatch", dispatchBatch);
  exportRaw(env, exports, "dispatchCancel", dispatchCancel);
  exports.Set("recordRowStride", Napi::Number::New(env, static_cast<double>(kRowStride)));
}

}  // namespace gilscope::bindings
