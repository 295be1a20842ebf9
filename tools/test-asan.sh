#!/usr/bin/env bash
# Runs the JS test suite against an ASan+UBSan build of the addon (build-asan/, `npm run build:asan`).
# Node itself is not instrumented: libasan is preloaded, and leak detection is off in the suite
# (V8 keeps memory alive until exit by design; test/85.load.test.ts runs its own LeakSanitizer
# check of the addon). Reports go to files; any report fails this script, even one from a child
# process or a worker whose test did not notice.
# Every suite runs except test/60.time.test.ts: it times other processes with `gilscope time` and
# asserts how their CPU splits between threads, and libasan preloaded into those processes (it is
# inherited) adds CPU on their main thread (seen: 30% of a two-task run), so its shares no longer
# hold. Its parsing and reporting parts run here all the same, in test/61.time-parts.test.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
addon="$(node --import tsx tools/addon-path.ts build-asan)"  # as the loader names it
test -f "$addon" || { echo "no $addon: run npm run build:asan" >&2; exit 2; }
logs="$(mktemp -d)"
shims="$(mktemp -d)"
status=0
# Chromium (the bench report's test) must not inherit libasan: it is not built for it and does not
# start. The test takes its path from CHROMIUM_PATH, so it gets a launcher that drops LD_PRELOAD.
if browser="$(command -v chromium || command -v chromium-browser)"; then
  printf '#!/bin/sh\nunset LD_PRELOAD\nexec %s "$@"\n' "$browser" > "$shims/chromium"
  chmod +x "$shims/chromium"
  export CHROMIUM_PATH="$shims/chromium"
fi
LD_PRELOAD="$(gcc -print-file-name=libasan.so)" \
  ASAN_OPTIONS="detect_leaks=0:log_path=$logs/asan" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan" \
  GILSCOPE_ADDON="$addon" node --import tsx --test --test-concurrency=1 $(ls test/*.test.ts | grep -v '^test/60\.time\.test\.ts$') || status=$?
if compgen -G "$logs/*" >/dev/null; then
  echo "sanitizer reports:" >&2
  cat "$logs"/* >&2
  status=1
else
  echo "sanitizer reports: none"
fi
rm -rf "$logs" "$shims"
exit "$status"
