#!/usr/bin/env bash
# README command 2 (and CI, through .ci/run): install, build, and run the
# whole test suite, three ways:
#   1. the normal build (build/), every ctest entry;
#   2. the same suite built with AddressSanitizer + UndefinedBehaviorSanitizer
#      (scripts/sanitize.sh, build-sanitize/): any report fails;
#   3. every libFuzzer target for GMAT_FUZZ_SECONDS (default 30) each
#      (scripts/fuzz.sh, build-fuzz/): any crash, leak or report fails.
# Options (for development; CI passes none):
#   --no-sanitize   skip step 2        --no-fuzz   skip step 3
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GMAT_BUILD_DIR:-$root/build}"
sanitize=1
fuzz=1
for arg in "$@"; do
  case "$arg" in
    --no-sanitize) sanitize=0 ;;
    --no-fuzz) fuzz=0 ;;
    *) echo "test.sh: unknown option '$arg' (use --no-sanitize, --no-fuzz)" >&2; exit 2 ;;
  esac
done

timings=()
phase() { # phase NAME COMMAND...: runs it and records how long it took
  local name="$1" start
  shift
  start=$(date +%s)
  echo "== test.sh: $name"
  "$@" || { echo "== test.sh: $name FAILED" >&2; exit 1; }
  timings+=("$(printf '%-32s %5d s' "$name" $(($(date +%s) - start)))")
}

phase "install dependencies" "$root/scripts/install-deps.sh"
phase "build" "$root/scripts/build.sh"
phase "test suite" ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600
if ((sanitize)); then phase "sanitized build and test suite" "$root/scripts/sanitize.sh"; fi
if ((fuzz)); then phase "fuzz targets" "$root/scripts/fuzz.sh" "${GMAT_FUZZ_SECONDS:-30}"; fi

echo "== test.sh: all passed"
printf '%s\n' "${timings[@]}"
