#!/bin/bash
# Queues an export array of PARTS tasks and its final step as a dependent job;
# prints the two job ids. Extra arguments go to both sbatch calls (e.g.
# --partition=cpu). Size the array from the plan: `gmat export ... --plan-only`
# prints max_useful_parts (the split file count of a sharded profile).
#
#   STORE=/shared/m.gmat PROFILE=q4.json OUT=/shared/out/m.gguf PARTS=8 ./submit-export.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export PARTS=${PARTS:-4}
array=$(sbatch --parsable --export=ALL --array="0-$((PARTS - 1))" "$@" "$here/export-array.sbatch")
final=$(sbatch --parsable --export=ALL --dependency="afterok:${array%%;*}" --kill-on-invalid-dep=yes "$@" \
  "$here/export-assemble.sbatch")
echo "${array%%;*} ${final%%;*}"
