// The packed task record JS receives: a BigInt64Array indexed by RecordField, one slot per field.
// Plain C++ (no napi.h) so that the native tests check it too; recordLayout() gives JS the names.
#pragma once

#include <cstddef>
#include <iterator>

namespace gilscope::bindings {

// The slots, in order. A new field goes last, with its name in kRecordFieldNames.
enum class RecordField : size_t {
  Kernel,  // the kernel's index in kernelTable()
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
  RunQueueNs,  // -1: none (no schedstat on this OS)
  LockWaitNs,
  LockHoldNs,
  LockAcquisitions,
  DropRequests,
};

// How many slots a record has.
constexpr size_t kRecordFields = static_cast<size_t>(RecordField::DropRequests) + 1;

// The dispatcher's rows (dispatch.cc): one row of kRowStride 8-byte slots per task, read as a
// Float64Array: the RecordField slots in order, except that SubmitNs, StartNs and EndNs hold int64
// bit patterns (CLOCK_MONOTONIC ns, read through a BigInt64Array over the same buffer); then the
// tag of the run() or batch the task belongs to; then the task's wall and queue ns as doubles.
constexpr size_t kRowTag = kRecordFields;
constexpr size_t kRowWallNs = kRecordFields + 1;
constexpr size_t kRowQueueNs = kRecordFields + 2;
constexpr size_t kRowStride = kRecordFields + 3;

// Each slot's JS name (camelCase), by slot: what recordLayout() returns.
inline constexpr const char* kRecordFieldNames[] = {
    "kernel",               // Kernel
    "result",               // Result
    "flags",                // Flags
    "threadId",             // ThreadId
    "submitNs",             // SubmitNs
    "startNs",              // StartNs
    "endNs",                // EndNs
    "cpuNs",                // CpuNs
    "userUs",               // UserUs
    "systemUs",             // SystemUs
    "voluntarySwitches",    // VoluntarySwitches
    "involuntarySwitches",  // InvoluntarySwitches
    "runQueueNs",           // RunQueueNs
    "lockWaitNs",           // LockWaitNs
    "lockHoldNs",           // LockHoldNs
    "lockAcquisitions",     // LockAcquisitions
    "dropRequests",         // DropRequests
};
static_assert(std::size(kRecordFieldNames) == kRecordFields, "one name per RecordField, in slot order");

}  // namespace gilscope::bindings
