#!/usr/bin/env bash
# Runs the JS test suite against an ASan+UBSan build of the addon (build-asan/, `npm run build:asan`).
# Node itself is not instrumented: libasan is preloaded, and leak detection is off in the suite
# (V8 keeps memory alive until exit by design; test/85.load.test.ts runs its own LeakSanitizer
# check of the addon). Reports go to files; any report fails this script, even one from a child
# process or a worker whose test did not notice.
set -euo pipefail
cd "$(dirname "$0")/.."
addon="$PWD/build-asan/Release/gilscope.node"
test -f "$addon" || { echo "no $addon: run npm run build:asan" >&2; exit 2; }
logs="$(mktemp -d)"
status=0
LD_PRELOAD="$(gcc -print-file-name=libasan.so)" \
  ASAN_OPTIONS="detect_leaks=0:log_path=$logs/asan" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan" \
  GILSCOPE_ADDON="$addon" npm test || status=$?
if compgen -G "$logs/*" >/dev/null; then
  echo "sanitizer reports:" >&2
  cat "$logs"/* >&2
  status=1
else
  echo "sanitizer reports: none"
fi
rm -rf "$logs"
exit "$status"
