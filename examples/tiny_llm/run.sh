#!/usr/bin/env bash
# The tiny_llm walkthrough end to end: one HF checkpoint, one GMAT store, three
# deployment profiles. GMAT=path/to/gmat overrides the build's binary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
gmat="${GMAT:-$here/../../build/bin/gmat}"
python="${PYTHON:-/usr/bin/python3}"

# Clean start (the committed import_config.json is regenerated identically:
# UUIDs derive from tensor names, so the export profiles keep matching).
rm -rf model.gmat export/gguf repo
"$python" make_tiny_llm.py hf-model

# Step 1: import to GMAT.
"$gmat" import --model hf-model/tiny_llm.safetensors --generate-config
"$gmat" import --model hf-model/tiny_llm.safetensors --config import_config.json -o .
"$gmat" inspect model.gmat --verify | tail -n 2

# Steps 2-3: one store, three profiles.
mkdir -p export/gguf
for tier in economy balanced premium; do
  "$gmat" export --model model.gmat --config "export/export-$tier.json" --dry-run | tail -n 3
  "$gmat" export --model model.gmat --config "export/export-$tier.json" -o "export/gguf/tiny_llm-$tier.gguf"
done

# Compare sizes.
ls -la export/gguf/*.gguf

# Step 4: store once. The same checkpoint compressed losslessly in a
# repository, and a second model that shares every tensor with it.
"$gmat" -q import --model hf-model/tiny_llm.safetensors --into repo --name tiny_llm --block-format zstd
"$gmat" -q import --model hf-model/tiny_llm.safetensors --into repo --name tiny_llm-copy
"$gmat" du repo
