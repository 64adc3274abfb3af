#!/usr/bin/env bash
# Configures and builds gmat into build/ (Release with debug info). Extra
# arguments go to the CMake configure step.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GMAT_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DGMAT_REQUIRE_ORACLE=ON "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
