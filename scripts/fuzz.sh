#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS]
#
# Builds the libFuzzer targets of tests/fuzz with clang (-fsanitize=fuzzer,
# address,undefined) in their own build folder and runs each for SECONDS
# (default 60), several at once. Fails on any crash, leak, timeout, memory
# blow-up or sanitizer report. New crashing inputs are kept in
# <build>/fuzz-artifacts/<target>/: copy one to tests/fuzz/regressions/<target>/
# so every build replays it from then on (ctest -L fuzz).
#
# Environment:
#   GMAT_FUZZ_BUILD_DIR  build folder (default: <repo>/build-fuzz)
#   GMAT_FUZZ_JOBS       targets run at once (default: number of cores)
#   GMAT_FUZZ_TARGETS    space-separated subset of targets (default: all)
#   CLANG_CXX, CLANG_CC  compilers (default: clang++-14, clang-14)
set -euo pipefail

seconds="${1:-60}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${GMAT_FUZZ_BUILD_DIR:-$repo/build-fuzz}"
jobs="${GMAT_FUZZ_JOBS:-$(nproc)}"
all_targets="safetensors_header tensor_file import_config export_config store_metadata tokenizer_json tokenizer_model tiktoken_model imatrix part_file gguf_file source_encoding"
targets="${GMAT_FUZZ_TARGETS:-$all_targets}"

start=$(date +%s)
mkdir -p "$build"
# -g1: line tables are all a symbolized crash report needs, and build faster than -g.
cmake -S "$repo" -B "$build" -G Ninja \
  -DCMAKE_C_COMPILER="${CLANG_CC:-clang-14}" -DCMAKE_CXX_COMPILER="${CLANG_CXX:-clang++-14}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGMAT_SANITIZE=ON -DGMAT_BUILD_FUZZERS=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
  -DGMAT_BUILD_BENCH=OFF -DGMAT_TEST_AREAS=fuzz >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; exit 1; }
build_targets=()
for t in $targets; do build_targets+=("fuzz_$t"); done
cmake --build "$build" -j"$(nproc)" --target "${build_targets[@]}"
echo "fuzz: built ${#build_targets[@]} targets in $(($(date +%s) - start)) s"

# Leaks and UB are failures too; libFuzzer turns any report into a crash.
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

run_target() {
  local t="$1" corpus="$build/fuzz-corpus/$1" artifacts="$build/fuzz-artifacts/$1/" log="$build/fuzz-logs/$1.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  # New inputs go to the working corpus; the committed seeds stay as they are.
  local inputs=("$corpus" "$repo/tests/fuzz/corpus/$t")
  [ -d "$repo/tests/fuzz/regressions/$t" ] && inputs+=("$repo/tests/fuzz/regressions/$t")
  local status=0
  "$build/bin/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "${inputs[@]}" >"$log" 2>&1 || status=$?
  echo "$status" >"$build/fuzz-logs/$t.status"
}

rm -f "$build"/fuzz-logs/*.status
for t in $targets; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$t" &
done
wait

failed=0
printf '%-20s %12s %10s %8s  %s\n' TARGET EXECUTIONS EXEC/S COVERAGE RESULT
for t in $targets; do
  status=$(cat "$build/fuzz-logs/$t.status" 2>/dev/null || echo 1)
  log="$build/fuzz-logs/$t.log"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  if [ "$status" -eq 0 ]; then result=ok; else result="FAILED (exit $status, see $log)"; failed=1; fi
  printf '%-20s %12s %10s %8s  %s\n' "$t" "${runs:-?}" "${rate:-?}" "${cov:-?}" "$result"
  if [ "$status" -ne 0 ]; then
    grep -E 'ERROR|SUMMARY|runtime error|invariant failed|Test unit written|deadly signal' "$log" | head -20 |
      sed 's/^/    /' || true
  fi
done
echo "fuzz: ${seconds} s per target, total $(($(date +%s) - start)) s including the build"
exit "$failed"
