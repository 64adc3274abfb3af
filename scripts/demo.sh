#!/usr/bin/env bash
# README command 1: install, build, and run the tiny_llm example
# (HF checkpoint -> GMAT store -> economy, balanced and premium GGUF files).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
GMAT="${GMAT_BUILD_DIR:-$root/build}/bin/gmat" "$root/examples/tiny_llm/run.sh"
