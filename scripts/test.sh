#!/usr/bin/env bash
# README command 2 (and CI, through .ci/run): install, build, and run the
# whole test suite:
#   1. every ctest entry, built with AddressSanitizer + UndefinedBehaviorSanitizer
#      (scripts/sanitize.sh, build-sanitize/): a failure or any sanitizer
#      report fails the run;
#   2. every libFuzzer target for GMAT_FUZZ_SECONDS (default 30) each
#      (scripts/fuzz.sh, build-fuzz/): any crash, leak or report fails.
# The suite runs once, under the sanitizers: it is the same suite as in the
# plain build (build/, which README command 1 builds), with every memory
# access and undefined operation checked, and one build instead of two keeps
# CI within its time.
# Options (for development; CI passes none):
#   --plain      run the suite in the plain build (build/) instead of step 1
#   --no-fuzz    skip step 2
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GMAT_BUILD_DIR:-$root/build}"
plain=0
fuzz=1
for arg in "$@"; do
  case "$arg" in
    --plain) plain=1 ;;
    --no-fuzz) fuzz=0 ;;
    *) echo "test.sh: unknown option '$arg' (use --plain, --no-fuzz)" >&2; exit 2 ;;
  esac
done

timings=()
phase() { # phase NAME COMMAND...: runs it and records how long it took
  local name="$1" start
  shift
  start=$(date +%s)
  echo "== test.sh: $name"
  "$@" || { echo "== test.sh: $name FAILED" >&2; exit 1; }
  timings+=("$(printf '%-36s %5d s' "$name" $(($(date +%s) - start)))")
}

phase "install dependencies" "$root/scripts/install-deps.sh"
if ((plain)); then
  phase "build" "$root/scripts/build.sh"
  phase "test suite" ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600
else
  phase "sanitized build and test suite" "$root/scripts/sanitize.sh"
fi
if ((fuzz)); then phase "fuzz targets" "$root/scripts/fuzz.sh" "${GMAT_FUZZ_SECONDS:-30}"; fi

echo "== test.sh: all passed"
printf '%s\n' "${timings[@]}"
