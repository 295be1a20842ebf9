#!/usr/bin/env bash
# Builds and runs the native unit tests (native/tests, GoogleTest + ctest, no Node).
#   tools/native-tests.sh          plain build, in build-native-tests/
#   tools/native-tests.sh asan     AddressSanitizer + UndefinedBehaviorSanitizer, in build-native-asan/
#   tools/native-tests.sh tsan     ThreadSanitizer, in build-native-tsan/
# Any sanitizer report aborts the test that caused it, so ctest fails. One TSan suppression, for a
# missing interceptor in GCC 12's libtsan, is in native/tests/tsan.supp with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-plain}"
case "$kind" in
  plain) dir=build-native-tests; sanitize="" ;;
  asan) dir=build-native-asan; sanitize="address,undefined" ;;
  tsan) dir=build-native-tsan; sanitize="thread" ;;
  *) echo "usage: $0 [plain|asan|tsan]" >&2; exit 2 ;;
esac
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S native/tests -B "$dir" "${generator[@]}" -DGILSCOPE_SANITIZE="$sanitize" >/dev/null
cmake --build "$dir"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/native/tests/tsan.supp"
ctest --test-dir "$dir" --output-on-failure -j2
