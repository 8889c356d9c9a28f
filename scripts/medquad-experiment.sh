#!/usr/bin/env bash
# The en/medquad retrieval experiment (docs/results.md, "Retrieval"). Runs on the residual start
# of the default student (scripts/default-student.sh's student-residual: bge-small-en-v1.5, untrained
# MLP, each branch's cosine calibrated), all on en/medquad's gold labels (each training question's
# answer against the batch's answers and 8 of its mined BM25/dense hard negatives; no teacher), batch
# 32, 3 epochs, lr 1e-3, selected by two-stage nDCG@10 on every en/medquad dev query:
#   biencoder   the fine-tuned bi-encoder baseline: PMA, its gate and the cosine scale (backbone frozen)
#   iem-gold    the asymmetric branch's IEM alone on frozen bge-small vectors
#   iem-gated   the same with a domain gate (--domain-gate 5,20): the correction fades out for queries
#               less like the training questions than their 5th-20th percentile
#   iem-on-bi   the residual IEM trained on top of the fine-tuned bi-encoder's vectors (its best student,
#               PMA gate open): the untrained student ranks exactly as the bi-encoder (2 epochs, patience 4;
#               needs the biencoder run first)
#   teacher-on-bi      D2LLM into that same IEM on top of the bi-encoder, from a GPU teacher's scores without
#               features (the paper's CI and RI, no FI: --eta 0): TEACHER_SCORES names the file that
#               gpu/medquad-teacher.sh brought back, TEACHER_DIR the teacher's path on the GPU machine (its
#               identity in that file; default /tmp/d2llm-mq/teacher, where its config.json must be). The plan
#               is the GPU's (batch 16, 8 BM25 negatives, 1 epoch), so every in-batch pair has its score
#   teacher-on-bi-ri   the same with RI alone (--alpha 0: no CI), the best objective from the first teacher
#   teacher-ri         RI alone from the same scores into the residual IEM on frozen bge-small vectors
#   teacher-gated-ri   the same with the domain gate of iem-gated
#   teacher-pgated-ri  the same with a passage-side gate as well (--domain-gate 5,20,1,5: the correction also fades
#               out for passages less like the training answers than their 1st-5th percentile); the shipped
#               default's retrieval branch (scripts/default-student.sh)
#   teacher-on-bi[-logodds][-fusedW]-ri   teacher-on-bi-ri reading the teacher's log-odds (--teacher-log-odds)
#               and/or the teacher fused with the bi-encoder's cosine, each score + W x cos (--fuse-cosine W)
# The bi-encoder runs 2 epochs (it peaks early) with an 8 GB heap and MALLOC_ARENA_MAX=2: its token states
# (bfloat16, on the heap) and PyTorch's native memory must fit a 24 GB machine together.
# The teacher side (a bge-small cross-encoder, D2LLM distilled from it) runs on the GPU: gpu/medquad-teacher.sh.
# Each is evaluated on en/medquad dev and en/msmarco-5k (evaluation only), two-stage (100 cosine
# candidates) and exact, bge-small's cosine beside (the cosine_ lines), and the gated student's
# symmetric branch on en/sick-r dev. Rows go to docs/results/en-medquad.txt.
# The IEM runs share a vector cache ($work/vectors), so bge-small embeds each text once: about 35
# minutes on 2 cores, then a few minutes per run; the bi-encoder reads token states (about 40 minutes).
#
#   scripts/medquad-experiment.sh        (D2LLM_DATA, D2LLM_WORK, D2LLM_CLI as for experiment.sh;
#                                          RUNS to pick, default "iem-gold iem-gated biencoder iem-on-bi";
#                                          RUN_TAG, appended to each run's folder and report name, tells
#                                          apart runs of the same recipe from another teacher's scores)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
data="${D2LLM_DATA:-$root/../shared/data}"
work="${D2LLM_WORK:-$HOME/.cache/d2llm/experiments}"
cli="${D2LLM_CLI:-$root/d2llm}"
export D2LLM_VECTOR_CACHE="${D2LLM_VECTOR_CACHE:-$work/vectors}"
# shellcheck source=scripts/lib/residual-start.sh
. "$root/scripts/lib/residual-start.sh"
plan=(--examples "$medquad/examples.jsonl" --task medquad=asym --gold --hard-in-batch --negatives 8 --batch-size 32
  --lr 1e-3 --warmup 100 --validate-every 100 --dev "$data/en/medquad" --dev-queries 5000)
# gpu/medquad-teacher.sh's plan: the teacher's scores cover exactly its batches.
teacher_plan=(--examples "$medquad/examples.jsonl" --task medquad=asym --batch-size 16 --negatives 8 --epochs 1
  --freeze-pooling --lr 1e-3 --warmup 100 --validate-every 100 --patience 6 --dev "$data/en/medquad" --dev-queries 5000)
report=docs/results/en-medquad.txt
touch "$report"
row() { # run, set, extra eval options; LABEL names the set in the report (default: the set)
  printf '%s\t%s\t%s\t%s\n' "${LABEL:-$2}" "$1" "$($cli eval --model "$medquad/$1/best" --data "$data/$2" "${@:3}" \
    | grep '=' | tr '\n' ' ')" "$(date -u +%FT%TZ)" >>"$report"
}
selection() {
  printf '%s\t%s\t%s\t%s\n' en/medquad "$1 (distill selection.json)" "$(tr -d ' \n' <"$medquad/$1/selection.json")" \
    "$(date -u +%FT%TZ)" >>"$report"
}
for run in ${RUNS:-iem-gold iem-gated biencoder iem-on-bi}; do
  case "$run" in
    iem-gold | iem-gated) extra=(--freeze-pooling --epochs 3 --patience 6) ;;
    # The bi-encoder's vectors move (PMA), so it reads token states.
    biencoder) extra=(--bi-encoder --freeze-backbone --epochs 2 --patience 6) ;;
    iem-on-bi) extra=(--freeze-pooling --epochs 2 --patience 4) ;;
    teacher-on-bi) extra=(--eta 0) ;;
    teacher-ri | teacher-*-ri) extra=(--eta 0 --alpha 0) ;;
    *) echo "medquad-experiment: unknown run $run" >&2; exit 2 ;;
  esac
  case "$run" in *-gated*) extra+=(--domain-gate "5,20") ;; *-pgated*) extra+=(--domain-gate "5,20,1,5") ;; esac
  case "$run" in teacher-*-logodds*) extra+=(--teacher-log-odds) ;; esac
  case "$run" in teacher-*-fused*) w="${run#*-fused}" && extra+=(--fuse-cosine "${w%%-*}") ;; esac
  start="$sickr/student-residual"
  runplan=("${plan[@]}")
  case "$run" in
    *on-bi*) start="$medquad/biencoder/best" ;;
  esac
  case "$run" in
    teacher-*) runplan=("${teacher_plan[@]}" --teacher "${TEACHER_DIR:-/tmp/d2llm-mq/teacher}"
      --cache "${TEACHER_SCORES:?teacher runs need TEACHER_SCORES: the scores gpu/medquad-teacher.sh brought back}") ;;
  esac
  if [ "$run" = biencoder ]; then heap=(env D2LLM_JAVA_OPTS="${D2LLM_JAVA_OPTS:--Xmx8g}" MALLOC_ARENA_MAX=2); else heap=(env); fi
  name="$run${RUN_TAG:-}"
  [ -f "$medquad/$name/selection.json" ] || "${heap[@]}" "$cli" distill --student "$start" "${runplan[@]}" "${extra[@]}" \
    --out "$medquad/$name"
  selection "$name"
  # The bi-encoder's MLP is still zero: its IEM ranks exactly by its cosine, so the same rows serve every run.
  row "$name" en/medquad --scorer iem --task ir --split dev --with-exact
  # The first 500 dev questions: the ones the teacher is measured on (gpu/medquad-teacher.sh's teacher-eval).
  LABEL="en/medquad first 500" row "$name" en/medquad --scorer iem --task ir --split dev --max-queries 500
  row "$name" en/msmarco-5k --scorer iem --task ir --with-exact
  row "$name" en/sick-r/dev.tsv --scorer iem --task sts
done
cat "$report"
