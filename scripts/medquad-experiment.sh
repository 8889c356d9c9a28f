#!/usr/bin/env bash
# The en/medquad retrieval experiment (docs/results.md, "Retrieval"): the residual start of the
# default student (scripts/default-student.sh's student-residual: bge-small-en-v1.5, untrained MLP,
# each branch's cosine calibrated) with its asymmetric branch's IEM trained alone on frozen bge-small
# vectors with en/medquad's gold labels: each training question's answer against the batch's answers
# and its mined BM25/dense hard negatives (no teacher: none is trainable on two CPU cores). Selected by
# two-stage nDCG@10 on every en/medquad dev query, then evaluated on en/medquad dev and en/msmarco-5k
# (evaluation only), two-stage (100 cosine candidates) and exact, bge-small's cosine beside (the
# cosine_ lines). Rows go to docs/results/en-medquad.txt. About 1.5 hours on 2 cores, most of it
# embedding 15.8k answers twice (training, then eval).
#
#   scripts/medquad-experiment.sh        (D2LLM_DATA, D2LLM_WORK, D2LLM_CLI as for experiment.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
data="${D2LLM_DATA:-$root/../shared/data}"
work="${D2LLM_WORK:-$HOME/.cache/d2llm/experiments}"
cli="${D2LLM_CLI:-$root/d2llm}"
# shellcheck source=scripts/lib/residual-start.sh
. "$root/scripts/lib/residual-start.sh"
run="$medquad/iem-gold"
[ -f "$run/selection.json" ] || $cli distill --student "$sickr/student-residual" --examples "$medquad/examples.jsonl" \
  --task medquad=asym --gold --hard-in-batch --freeze-pooling --negatives 8 --batch-size 32 --epochs 3 --lr 1e-3 \
  --warmup 100 --validate-every 100 --patience 6 --dev "$data/en/medquad" --dev-queries 5000 --out "$run"
report=docs/results/en-medquad.txt
: >"$report"
row() {
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$($cli eval --model "$run/best" --scorer iem --data "$data/$1" --task ir \
    --with-exact "${@:3}" | grep '=' | tr '\n' ' ')" "$(date -u +%FT%TZ)" >>"$report"
}
row en/medquad iem-gold-two-stage --split dev
row en/msmarco-5k iem-gold-two-stage
cat "$report"
