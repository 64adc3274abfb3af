#!/usr/bin/env bash
# Real Slurm job arrays against gmat (ctest: distributed.slurm.*). A
# single-machine cluster (slurmctld + slurmd + munge, as root) is started by
# the `start` test and stopped by `stop` with slurm-local.sh: $GMAT_SLURM_LOCAL,
# else ../shared/recipes/slurm-local.sh next to the source tree (CI's layout),
# else /work/shared/recipes/slurm-local.sh.
#
#   slurm_test.sh start|stop
#   slurm_test.sh export-sharded|export-assemble|import|failed-task
#
# Environment (set by CMake): GMAT (the binary), GMAT_PYTHON (with numpy),
# GMAT_REFERENCE_DIR (tests/reference), GMAT_SOURCE_DIR, GMAT_SLURM_WORK (a
# folder under the build tree shared by the tests).
set -euo pipefail

: "${GMAT:?}" "${GMAT_PYTHON:?}" "${GMAT_REFERENCE_DIR:?}" "${GMAT_SOURCE_DIR:?}" "${GMAT_SLURM_WORK:?}"
cluster=$GMAT_SLURM_WORK/cluster

fail() { echo "FAIL: $*" >&2; exit 1; }

recipe() {
  local c
  for c in "${GMAT_SLURM_LOCAL:-}" "$GMAT_SOURCE_DIR/../shared/recipes/slurm-local.sh" \
           /work/shared/recipes/slurm-local.sh; do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
  done
  fail "slurm-local.sh not found (set GMAT_SLURM_LOCAL, or put the recipes at ../shared/recipes)"
}

use_cluster() {
  [ -f "$cluster/slurm.conf" ] || fail "no cluster under $cluster (the distributed.slurm.start test sets it up)"
  eval "$("$(recipe)" env "$cluster")"
}

# Waits until no task of job $1 is pending or running (polling, as sbatch --wait takes ~10 s).
wait_job() {
  local i
  for i in $(seq 1 3000); do
    [ -z "$(squeue -h -j "$1" -t PD,R,CG,CF,S -o %i 2>/dev/null)" ] && return 0
    sleep 0.1
  done
  squeue -j "$1" -t all >&2 || true
  fail "job $1 did not finish in 300 s"
}

# "TASK STATE" lines of a finished array (kept by slurmctld for MinJobAge).
task_states() { squeue -h -j "$1" -t all -o "%K %T" | sort -n; }

# checkpoint DIR: a 2-layer Llama (hidden 256) in 4 safetensors shards, and
# its one-machine store in DIR/one/model.gmat.
checkpoint() {
  "$GMAT_PYTHON" "$GMAT_REFERENCE_DIR/make_llama_checkpoint.py" "$1/ckpt" --hidden 256 --intermediate 512 \
    --layers 2 --heads 4 --kv-heads 2 --vocab 512 --shards 4 --seed 20 >/dev/null
  "$GMAT" -q import -m "$1/ckpt" -o "$1/one"
}

profile() { # FILE TYPE SHARD_SIZE
  local shard=""
  [ "$3" != 0 ] && shard=", \"shard_size\": $3"
  echo "{\"target_format\": \"gguf\", \"quantization\": {\"default_type\": \"$2\", \"scale_optimization\": \"standard\"}$shard}" > "$1"
}

submit() { sbatch --parsable --chdir "$work" --output "$work/slurm-%A_%a.out" "$@"; }

same_files() { # DIR_A DIR_B: same file names, same bytes
  diff <(cd "$1" && find . -type f | sort) <(cd "$2" && find . -type f | sort) >&2 \
    || fail "$1 and $2 hold different files"
  local f
  while read -r f; do cmp "$1/$f" "$2/$f" || fail "$f differs"; done < <(cd "$1" && find . -type f | sort)
}

scenario_setup() {
  use_cluster
  work=$GMAT_SLURM_WORK/$1
  rm -rf "$work"
  mkdir -p "$work"
  checkpoint "$work"
}

case "${1:-}" in
  start)
    rm -rf "$GMAT_SLURM_WORK"
    mkdir -p "$cluster"
    eval "$("$(recipe)" start "$cluster")"
    sinfo
    ;;
  stop)
    [ -d "$cluster" ] || exit 0
    "$(recipe)" stop "$cluster"
    ;;
  export-sharded)
    # (a) A 4-task array export of a sharded Q4_K_M profile equals one process.
    scenario_setup "$1"
    profile "$work/q4.json" q4_k_m 200000
    "$GMAT" -q export -m "$work/one/model.gmat" -c "$work/q4.json" -o "$work/ref/m.gguf"
    [ "$(ls "$work/ref" | wc -l)" -ge 4 ] || fail "the profile should give at least 4 split files"
    id=$(submit --array=0-3 --wrap "exec '$GMAT' -q export -m '$work/one/model.gmat' -c '$work/q4.json' -o '$work/array/m.gguf' --part auto -t 1")
    wait_job "$id"
    [ "$(task_states "$id")" = "$(printf '0 COMPLETED\n1 COMPLETED\n2 COMPLETED\n3 COMPLETED')" ] \
      || { task_states "$id" >&2; cat "$work"/slurm-*.out >&2; fail "array $id did not complete"; }
    "$GMAT" -q export -m "$work/one/model.gmat" -c "$work/q4.json" -o "$work/array/m.gguf" --assemble
    same_files "$work/ref" "$work/array"
    echo "4-task array export of $(ls "$work/ref" | wc -l) split files: byte-identical"
    ;;
  export-assemble)
    # (b) A single-file export in 4 parts, assembled by a dependent job: the
    # user-facing examples/slurm scripts, as submitted by submit-export.sh.
    scenario_setup "$1"
    profile "$work/q4.json" q4_k_m 0
    "$GMAT" -q export -m "$work/one/model.gmat" -c "$work/q4.json" -o "$work/ref/m.gguf"
    read -r id final < <(STORE="$work/one/model.gmat" PROFILE="$work/q4.json" OUT="$work/array/m.gguf" PARTS=4 \
      "$GMAT_SOURCE_DIR/examples/slurm/submit-export.sh" --chdir "$work" --cpus-per-task=1 --output "$work/slurm-%A_%a.out")
    wait_job "$id"
    wait_job "$final"
    [ "$(task_states "$final")" = "N/A COMPLETED" ] || { task_states "$final" >&2; cat "$work"/slurm-*.out >&2; fail "assemble job $final"; }
    [ "$(task_states "$id" | awk '{print $2}' | sort -u)" = COMPLETED ] || fail "array $id"
    same_files "$work/ref" "$work/array"
    echo "4 parts + dependent assemble job (examples/slurm): byte-identical single file"
    ;;
  import)
    # (c) A distributed import (4 tasks, one per safetensors shard, then a
    # dependent job writing the metadata; examples/slurm/submit-import.sh)
    # equals a one-machine import.
    scenario_setup "$1"
    "$GMAT" -q import -m "$work/ckpt" --into "$work/repo-one" --name m
    read -r id final < <(MODEL="$work/ckpt" REPO="$work/repo" NAME=m PARTS=4 \
      "$GMAT_SOURCE_DIR/examples/slurm/submit-import.sh" --chdir "$work" --cpus-per-task=1 --output "$work/slurm-%A_%a.out")
    wait_job "$id"
    wait_job "$final"
    [ "$(task_states "$final")" = "N/A COMPLETED" ] || { task_states "$final" >&2; cat "$work"/slurm-*.out >&2; fail "finalize job $final"; }
    [ "$(ls "$work/repo/models")" = m ] || fail "partial stores left: $(ls "$work/repo/models")"
    same_files "$work/repo-one" "$work/repo"
    echo "4-task array import + dependent finalize job (examples/slurm): byte-identical repository"
    ;;
  failed-task)
    # (d) One task fails, one is cancelled while running: both are detected
    # (task states, and assembly naming the missing parts); re-running those
    # indices completes the export with identical bytes.
    scenario_setup "$1"
    profile "$work/q4.json" q4_k_m 0
    "$GMAT" -q export -m "$work/one/model.gmat" -c "$work/q4.json" -o "$work/ref/m.gguf"
    cmd="'$GMAT' -q export -m '$work/one/model.gmat' -c '$work/q4.json' -o '$work/array/m.gguf'"
    gate="[ -e '$work/healthy' ] || { [ \$SLURM_ARRAY_TASK_ID = 1 ] && sleep 300; [ \$SLURM_ARRAY_TASK_ID = 2 ] && exit 3; }"
    id=$(submit --array=0-3 --wrap "$gate; exec $cmd --part auto/4 -t 1")
    for i in $(seq 1 600); do
      [ -n "$(squeue -h -j "${id}_1" -t R -o %i 2>/dev/null)" ] && break
      sleep 0.1
    done
    scancel "${id}_1"
    wait_job "$id"
    states=$(task_states "$id")
    echo "$states"
    [ "$states" = "$(printf '0 COMPLETED\n1 CANCELLED\n2 FAILED\n3 COMPLETED')" ] || fail "unexpected task states"
    if out=$("$GMAT" -q export -m "$work/one/model.gmat" -c "$work/q4.json" -o "$work/array/m.gguf" --assemble 2>&1); then
      fail "assembly succeeded with two parts missing"
    fi
    echo "$out"
    grep -q "part-00002-of-00004.gmatpart: missing (part 1 of 4" <<<"$out" || fail "part 1 not named"
    grep -q "part-00003-of-00004.gmatpart: missing (part 2 of 4" <<<"$out" || fail "part 2 not named"
    [ ! -e "$work/array/m.gguf" ] || fail "a GGUF was published from an incomplete set of parts"
    touch "$work/healthy"
    rerun=$(submit --array=1,2 --wrap "$gate; exec $cmd --part auto/4 -t 1")
    final=$(submit --dependency="afterok:$rerun" --kill-on-invalid-dep=yes --wrap "exec $cmd --assemble")
    wait_job "$rerun"
    wait_job "$final"
    [ "$(task_states "$final")" = "N/A COMPLETED" ] || { cat "$work"/slurm-*.out >&2; fail "assemble after the re-run"; }
    same_files "$work/ref" "$work/array"
    echo "failed and cancelled tasks detected; re-running indices 1 and 2 gave identical bytes"
    ;;
  *)
    sed -n '2,16p' "$0"
    exit 2
    ;;
esac
