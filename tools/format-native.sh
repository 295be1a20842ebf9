#!/usr/bin/env bash
# Checks that native/**/*.{h,cc} are formatted as .clang-format says (clang-format's dry run).
#   tools/format-native.sh          check: lists every file that would change, exits 1 if any would
#   tools/format-native.sh --fix    rewrites the files in place
# Exits 2 when clang-format is missing (Debian: apt-get install clang-format) or on a bad argument.
# CLANG_FORMAT names another binary. The rules are the top-level .clang-format, found from each file.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=check
case "${1:-}" in
  "") ;;
  --fix) mode=fix ;;
  *) echo "usage: $0 [--fix]" >&2; exit 2 ;;
esac
clang_format="${CLANG_FORMAT:-clang-format}"
command -v "$clang_format" >/dev/null || { echo "$0: $clang_format not found (apt-get install clang-format)" >&2; exit 2; }
mapfile -t files < <(find native -type f \( -name '*.h' -o -name '*.cc' \) | LC_ALL=C sort)
[ "${#files[@]}" -gt 0 ] || { echo "$0: no native sources found" >&2; exit 2; }
if [ "$mode" = fix ]; then
  "$clang_format" -i --style=file "${files[@]}"
  exit 0
fi
if ! "$clang_format" --dry-run -Werror --style=file "${files[@]}"; then
  echo "$0: native sources are not formatted; run tools/format-native.sh --fix" >&2
  exit 1
fi
