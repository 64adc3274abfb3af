#!/bin/bash
# Queues an import array of PARTS tasks and its final step as a dependent job;
# prints the two job ids. Extra arguments go to both sbatch calls.
#
#   MODEL=/shared/hf/Llama-3-70B REPO=/shared/repo NAME=llama3-70b PARTS=8 ./submit-import.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export PARTS=${PARTS:-4}
array=$(sbatch --parsable --export=ALL --array="0-$((PARTS - 1))" "$@" "$here/import-array.sbatch")
final=$(sbatch --parsable --export=ALL --dependency="afterok:${array%%;*}" --kill-on-invalid-dep=yes "$@" \
  "$here/import-assemble.sbatch")
echo "${array%%;*} ${final%%;*}"
