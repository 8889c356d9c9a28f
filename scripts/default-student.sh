#!/usr/bin/env bash
# Reproduces the shipped English student (src/main/resources/dev/d2llm/students/default-en): a residual student on
# bge-small-en-v1.5 whose asymmetric (search) branch is distilled from an en/medquad cross-encoder teacher, and
# whose symmetric branch is bge-small's cosine centred on en/sick-r pairs (no distilled symmetric branch has beaten
# that cosine on a dev split yet: docs/results.md). Steps, each skipped when its output exists:
#   1. the residual start and en/medquad's plan examples (BM25, 30 negatives each): scripts/lib/residual-start.sh
#   2. the teacher: bge-small fine-tuned as a cross-encoder on each training question's answer against 7 hybrid
#      (BM25 and dense) negatives as one listwise group, 1 epoch; then its scores of every pair the plan needs.
#      Hours on 2 CPU cores, minutes on a GPU (DEVICE=gpu; gpu/medquad-teacher.sh runs the same steps on the device
#      machine). TEACHER_SCORES takes scores made elsewhere instead (TEACHER_DIR: the teacher's path there, which
#      the scores are keyed by; default /tmp/d2llm-mq/teacher, gpu/medquad-teacher.sh's).
#   3. D2LLM into the asymmetric branch's IEM on frozen vectors: RI alone (CI and FI cost on en/medquad), the
#      domain gate (--domain-gate 5,20,1,5: the correction fades out for queries unlike the training questions and
#      for passages unlike their answers),
#      selected on en/medquad dev, evaluated on en/medquad dev and en/msmarco-5k: scripts/medquad-experiment.sh's
#      teacher-pgated-ri run (rows in docs/results/en-medquad.txt)
#   4. scripts/ship-default-student.sh
#
#   scripts/default-student.sh        (D2LLM_DATA, D2LLM_WORK, D2LLM_CLI as for experiment.sh; DEVICE, TEACHER_*)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
data="${D2LLM_DATA:-$root/../shared/data}"
work="${D2LLM_WORK:-$HOME/.cache/d2llm/experiments}"
cli="${D2LLM_CLI:-$root/d2llm}"
models="${D2LLM_MODELS:-$HOME/.cache/d2llm/models}"
# shellcheck source=scripts/lib/residual-start.sh
. "$root/scripts/lib/residual-start.sh"

scores="${TEACHER_SCORES:-}"
teacher="${TEACHER_DIR:-/tmp/d2llm-mq/teacher}"
if [ -z "$scores" ]; then
  teacher="$medquad/teacher"
  scores="$medquad/teacher-scores.bin"
  device=(--device "${DEVICE:-cpu}")
  base="$models/bge-small-en-v1.5"
  [ -f "$base/model.safetensors" ] || $cli model pull bge-small-en-v1.5 --out "$base"
  for split in train dev; do
    k=3
    [ "$split" = dev ] || k=30
    [ -f "$medquad/teacher-$split.jsonl" ] || $cli mine --retrieval "$data/en/medquad" --split "$split" --k "$k" \
      --method hybrid --model "$base" --out "$medquad/teacher-$split.jsonl" "${device[@]}"
  done
  [ -f "$teacher/config.json" ] || $cli teacher train --base "$base" --train "$medquad/teacher-train.jsonl" \
    --dev "$medquad/teacher-dev.jsonl" --objective listwise --negatives 7 --batch-size 4 --epochs 1 --lr 2e-5 \
    --out "$teacher" "${device[@]}"
  # The plan gpu/medquad-teacher.sh scores and scripts/medquad-experiment.sh's teacher runs distil.
  $cli teacher score --examples "$medquad/examples.jsonl" --task medquad=asym --batch-size 16 --negatives 8 \
    --epochs 1 --teacher "$teacher" --cache "$scores" "${device[@]}"
fi
[ -f "$teacher/config.json" ] || {
  echo "default-student: the teacher's scores are keyed by its path, $teacher, which needs its config.json" \
    "(copy the one gpu/medquad-teacher.sh brought back there)" >&2
  exit 1
}
RUNS=teacher-pgated-ri TEACHER_SCORES="$scores" TEACHER_DIR="$teacher" D2LLM_DATA="$data" D2LLM_WORK="$work" \
  D2LLM_CLI="$cli" scripts/medquad-experiment.sh
scripts/ship-default-student.sh "$medquad/teacher-pgated-ri/best"
