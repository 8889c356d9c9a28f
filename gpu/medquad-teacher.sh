#!/usr/bin/env bash
# The en/medquad teacher experiment on the GPU machine (docs/results.md, "Retrieval"), resumable across calls while
# the machine stays warm: each step leaves a marker in $WORK/done and is skipped next time; teacher scoring resumes
# from its cache. Inputs: .gpu-bundle (the CLI) and /tmp/d2llm-stage (bge-small-en-v1.5, en/medquad, en/msmarco-5k
# and the residual start, staged by gpu/stage-inputs.sh and gpu/stage-in.sh). Steps:
#   inputs    unpack the staged inputs (checksum checked)
#   mine      en/medquad train examples (BM25, 30 negatives, as scripts/lib/residual-start.sh mines them here; their
#             sha256 is printed to compare) and dev examples (3 negatives) for the teacher's selection; with
#             MINE_METHOD=hybrid the teacher's train and dev examples are mined apart, BM25's and bge-small's dense
#             negatives in turn (the distillation plan keeps BM25 examples, mined before the scores)
#   teacher   bge-small-en-v1.5 fine-tuned as a cross-encoder on each training question's answer (1) and its first
#             TEACHER_NEGATIVES (3) negatives (0), TEACHER_EPOCHS (1), TEACHER_OBJECTIVE (pointwise; listwise ranks
#             each question's group as a whole, TEACHER_BATCH then counting groups)
#   biencoder with FIRST_STAGE=biencoder and no staged biencoder-best: the fine-tuned bi-encoder baseline trained here
#             as scripts/medquad-experiment.sh trains it on the CPU (gold labels, in-batch and BM25 hard negatives, PMA
#             and the cosine scale, backbone frozen, 2 epochs, selected on all dev questions)
#   teacher-eval   the teacher re-ranking bge-small's cosine top 100 on en/medquad dev (first $DEV_QUERIES questions)
#             and en/msmarco-5k (FIRST_STAGE=biencoder: the staged bi-encoder's; FUSE=W,...: also fused with its cosine)
#   fuse-weight    with FUSE: the weight whose fused teacher ranks best on en/medquad dev
#   scores    the teacher's scores of every pair the distillation plan needs (batch 16, 8 negatives, 1 epoch)
#   RUNS      the students distilled from that teacher (default "residual plus"), each selected on all dev questions:
#     residual    D2LLM (the paper's CI, RI and FI losses) into the residual IEM on frozen bge-small vectors
#     plus        the same with the gold hard negatives in the in-batch softmax and pointwise imitation
#     on-bi, on-bi-plus   the same two on top of the fine-tuned bi-encoder (its IEM starts at zero, so the start
#                 ranks as the bi-encoder): students-extra.tar.gz (biencoder-best/) put beside a stage part by hand
#     NAME-ri     RI alone (--alpha 0 --eta 0); NAME with "fused": from the teacher fused with the student's cosine
#                 (--fuse-cosine, the weight picked on dev from FUSE), e.g. on-bi-fused-ri
#   evals     each student on en/medquad dev and en/msmarco-5k, two-stage and exact
# Back through $OUT after every call, finished or not: summary.txt (every figure), logs.tar.gz, students.tar.gz (the
# students so far, their metrics and the teacher's config) and teacher-scores.bin (the scores without features,
# for runs without FI elsewhere).
#   bash gpu/medquad-teacher.sh      (run from the repository root; BUDGET_S, default 540, bounds one call;
#                                     TEACHER_* and MINE_METHOD shape the teacher; LAST_STEP=teacher-eval (or scores)
#                                     stops after that step; DEV_QUERIES=0 evaluates the teacher on all dev questions; WORK,
#                                     D2LLM, DEVICE, DEV_QUERIES and CANDIDATES for a small dry run on a CPU)
set -uo pipefail
root="$(pwd)"
self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
d2llm="${D2LLM:-$root/.gpu-bundle/d2llm}"
w="${WORK:-/tmp/d2llm-mq}"
out="${OUT:-/tmp/d2llm-mq-out}"
stage=/tmp/d2llm-stage
dev_queries="${DEV_QUERIES:-500}"
deadline=$((SECONDS + ${BUDGET_S:-540}))
mkdir -p "$w/done" "$w/logs" "$out"
summary="$w/summary.txt"
touch "$summary"
export D2LLM_MODELS="$w/in/models"
model="$w/in/models/bge-small-en-v1.5"
medquad="$w/in/data/en/medquad"
msmarco="$w/in/data/en/msmarco-5k"
gpu=(--device "${DEVICE:-gpu}")
candidates="${CANDIDATES:-100}"

note() { echo "$*" | tee -a "$summary"; }
pack() {
  cp "$summary" "$out/summary.txt"
  tar -C "$w" -czf "$out/logs.tar.gz" logs
}
# What a call brings back besides the summary, also when it stops early: the students trained so far (their best,
# metrics and selection, no checkpoints), the teacher's config and its scores without features.
pack_results() {
  local have=()
  for f in $runs biencoder teacher/config.json; do [ ! -e "$w/$f" ] || have+=("$f"); done
  [ ${#have[@]} -eq 0 ] || tar -C "$w" --exclude=checkpoint -czf "$out/students.tar.gz" "${have[@]}"
  [ ! -f "$w/teacher.bin" ] || python3 "$root/gpu/strip_features.py" "$w/teacher.bin" "$out/teacher-scores.bin" | tee -a "$summary"
  pack
}
# STEP NAME PATTERN CMD...: skipped when done; else runs CMD within the call's remaining time, its output in
# logs/NAME.log, GPU memory sampled; the lines matching PATTERN, the status, time and peak GPU memory go to the summary.
step() {
  local name="$1" pattern="$2"; shift 2
  [ ! -f "$w/done/$name" ] || return 0
  local left=$((deadline - SECONDS))
  if [ "$left" -lt 20 ]; then note "== $name: not started, the call's budget is spent (run again)"; pack_results; exit 0; fi
  local start=$SECONDS rc peak
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 500 >"$w/logs/$name.mem" 2>/dev/null &
  local sampler=$!
  # Through a fresh bash running this script's --fn, so that timeout can run the shell functions below too.
  timeout "$left" bash "$self" --fn "$@" >"$w/logs/$name.log" 2>&1
  rc=$?
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
  peak="$(sort -n "$w/logs/$name.mem" 2>/dev/null | tail -1)"
  note "== $name: rc=$rc $((SECONDS - start))s gpu_mem_used_peak=${peak:-?}MiB $(date -u +%T)"
  # From each match to the end of its line: a progress bar may share the line ahead of it.
  grep -a -o -E "($pattern).*" "$w/logs/$name.log" | tee -a "$summary"
  if [ "$rc" = 0 ]; then touch "$w/done/$name"; else tail -c 1500 "$w/logs/$name.log" | sed 's/^/    /' | tee -a "$summary"; fi
  pack
  [ "$rc" = 0 ] || { note "stopped at $name (rc=$rc): run again to resume"; pack_results; exit 0; }
}

unpack_inputs() {
  local want got
  want="$(cat "$stage/inputs.sha256")"
  got="$(cat "$stage"/inputs.tar.xz.part* | sha256sum | cut -d' ' -f1)"
  [ "$want" = "$got" ] || { echo "staged inputs incomplete: sha256 $got, want $want"; ls -l "$stage"; return 1; }
  rm -rf "$w/in" && mkdir -p "$w/in"
  cat "$stage"/inputs.tar.xz.part* | xz -dc -T0 | tar -C "$w/in" -xf -
  [ ! -f "$stage/students-extra.tar.gz" ] || tar -C "$w/in/students" -xzf "$stage/students-extra.tar.gz"
  echo "inputs ok: $(ls "$w/in/models") $(cd "$w/in/data" && echo */*) $(ls "$w/in/students")"
  # A bi-encoder whose PMA gate is shut embeds as bge-small: the on-bi runs would start at the cosine.
  for gate in "$w"/in/students/*/pooling.safetensors; do
    [ ! -f "$gate" ] || echo "student $(basename "$(dirname "$gate")") $(python3 "$root/gpu/gate_norm.py" "$gate")"
  done
}

mine_method="${MINE_METHOD:-bm25}"
teacher_examples="$w/examples.jsonl"
[ "$mine_method" = bm25 ] || teacher_examples="$w/teacher-examples.jsonl"
mine_plan() { # the distillation plan's examples: BM25, as scripts/lib/residual-start.sh mines them here
  "$d2llm" mine --retrieval "$medquad" --split train --out "$w/examples.jsonl" --k 30 &&
    echo "examples_sha256=$(sha256sum "$w/examples.jsonl" | cut -d' ' -f1) lines=$(wc -l <"$w/examples.jsonl")"
}
mine() { # the teacher's train and dev examples
  if [ "$mine_method" = bm25 ]; then
    mine_plan && "$d2llm" mine --retrieval "$medquad" --split dev --out "$w/dev-examples.jsonl" --k 3
  else
    "$d2llm" mine --retrieval "$medquad" --split train --out "$teacher_examples" --k 30 \
      --method "$mine_method" --model "$model" "${gpu[@]}" &&
      "$d2llm" mine --retrieval "$medquad" --split dev --out "$w/dev-examples.jsonl" --k 3 \
        --method "$mine_method" --model "$model" "${gpu[@]}" &&
      echo "teacher examples_sha256=$(sha256sum "$teacher_examples" | cut -d' ' -f1) method=$mine_method"
  fi
}

plan=(--examples "$w/examples.jsonl" --task medquad=asym --batch-size 16 --negatives 8 --epochs 1)
runs="${RUNS:-residual plus}"
distill() { # NAME, extra options; the on-bi runs start from the fine-tuned bi-encoder
  local name="$1" start="$w/in/students/student-residual"; shift
  case "$name" in on-bi*) start="$w/in/students/biencoder-best" ;; esac
  "$d2llm" distill --student "$start" "${plan[@]}" --teacher "$w/teacher" \
    --cache "$w/teacher.bin" --freeze-pooling --lr 1e-3 --warmup 100 --validate-every 100 --patience 6 \
    --dev "$medquad" --dev-queries 5000 --vector-cache "$w/vectors" --out "$w/$name" "${gpu[@]}" "$@" &&
    echo "selection $name $(tr -d ' \n' <"$w/$name/selection.json")"
}
evals() {
  for run in $runs; do
    for q in 0 "$dev_queries"; do
      echo "eval $run en/medquad dev max_queries=$q: $("$d2llm" eval --model "$w/$run/best" --data "$medquad" --split dev \
        --task ir --with-exact --max-queries "$q" --vector-cache "$w/vectors" "${gpu[@]}" | grep -a '=' | tr '\n' ' ')"
    done
    echo "eval $run en/msmarco-5k: $("$d2llm" eval --model "$w/$run/best" --data "$msmarco" --task ir --with-exact \
      --vector-cache "$w/vectors" "${gpu[@]}" | grep -a '=' | tr '\n' ' ')"
  done
}
biencoder() { # the fine-tuned bi-encoder, as scripts/medquad-experiment.sh's biencoder run
  "$d2llm" distill --student "$w/in/students/student-residual" --examples "$w/examples.jsonl" --task medquad=asym --gold \
    --hard-in-batch --negatives 8 --batch-size 32 --lr 1e-3 --warmup 100 --validate-every 100 --dev "$medquad" \
    --dev-queries 5000 --bi-encoder --freeze-backbone --epochs 2 --patience 6 --out "$w/biencoder" "${gpu[@]}" &&
    rm -rf "$w/in/students/biencoder-best" && cp -r "$w/biencoder/best" "$w/in/students/biencoder-best" &&
    echo "selection biencoder $(tr -d ' \n' <"$w/biencoder/selection.json")" || return 1
  for q in 0 "$dev_queries"; do
    echo "eval biencoder en/medquad dev max_queries=$q: $("$d2llm" eval --model "$w/biencoder/best" --data "$medquad" \
      --split dev --task ir --max-queries "$q" "${gpu[@]}" | grep -a '=' | tr '\n' ' ')"
  done
  echo "eval biencoder en/msmarco-5k: $("$d2llm" eval --model "$w/biencoder/best" --data "$msmarco" --task ir \
    "${gpu[@]}" | grep -a '=' | tr '\n' ' ')"
}
# The teacher's first stage: bge-small (default) or, with FIRST_STAGE=biencoder, the staged fine-tuned bi-encoder; with
# FUSE (weights, comma-separated) also the teacher fused with that first stage's cosine (eval --fuse-cosine).
first_stage="$model"
[ "${FIRST_STAGE:-}" != biencoder ] || first_stage="$w/in/students/biencoder-best"
fuse=()
[ -z "${FUSE:-}" ] || fuse=(--fuse-cosine "$FUSE")
teacher_eval() {
  echo "teacher en/medquad dev max_queries=$dev_queries: $("$d2llm" eval --model "$w/teacher" --scorer teacher \
    --first-stage "$first_stage" --candidates "$candidates" --data "$medquad" --split dev --task ir \
    --max-queries "$dev_queries" "${fuse[@]}" "${gpu[@]}" | grep -a '=' | tr '\n' ' ')" &&
    echo "teacher en/msmarco-5k: $("$d2llm" eval --model "$w/teacher" --scorer teacher --first-stage "$first_stage" \
      --candidates "$candidates" --data "$msmarco" --task ir "${fuse[@]}" "${gpu[@]}" | grep -a '=' | tr '\n' ' ')"
}
# The fusion weight the fused runs distil with: the FUSE weight whose fused teacher ranks best on en/medquad dev.
pick_fuse_weight() {
  grep -a -o -E 'fused_cos[0-9.]+_ndcg@10=[0-9.]+' "$w/logs/teacher-eval.log" | head -n "$(tr ',' '\n' <<<"$FUSE" | wc -l)" |
    sed -E 's/fused_cos([0-9.]+)_ndcg@10=([0-9.]+)/\2 \1/' | sort -g | tail -1 | cut -d' ' -f2 >"$w/fuse-weight" &&
    echo "fuse_weight=$(cat "$w/fuse-weight")"
}

if [ "${1:-}" = --fn ]; then shift; "$@"; exit $?; fi

note "== medquad-teacher on $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null || echo "no GPU"), bundle $(cat .gpu-bundle/commit 2>/dev/null), $(date -u +%FT%TZ)"
step inputs 'inputs ok|incomplete|^student ' unpack_inputs
stop_after() { # STEP: ends the call after STEP when LAST_STEP names it
  [ "${LAST_STEP:-}" = "$1" ] || return 0
  pack_results; note "== medquad-teacher: stopped after $1"; cp "$summary" "$out/summary.txt"; exit 0
}
step mine 'examples_sha256|examples=' mine
step teacher 'epoch=|teacher=|groups=' "$d2llm" teacher train --base "$model" --train "$teacher_examples" \
  --dev "$w/dev-examples.jsonl" --negatives "${TEACHER_NEGATIVES:-3}" --epochs "${TEACHER_EPOCHS:-1}" \
  --objective "${TEACHER_OBJECTIVE:-pointwise}" --batch-size "${TEACHER_BATCH:-32}" --lr 2e-5 --out "$w/teacher" "${gpu[@]}"
if [ "${FIRST_STAGE:-}" = biencoder ] && [ ! -d "$w/in/students/biencoder-best" ]; then
  [ -f "$w/examples.jsonl" ] || step plan-examples 'examples_sha256' mine_plan
  step biencoder '^selection|^eval ' biencoder
fi
step teacher-eval '^teacher ' teacher_eval
[ -z "${FUSE:-}" ] || step fuse-weight '^fuse_weight' pick_fuse_weight
stop_after teacher-eval
[ -f "$w/examples.jsonl" ] || step plan-examples 'examples_sha256' mine_plan
step scores 'scored=' "$d2llm" teacher score "${plan[@]}" --teacher "$w/teacher" --cache "$w/teacher.bin" "${gpu[@]}"
stop_after scores
for run in $runs; do
  extra=()
  case "$run" in
    *plus) extra=(--hard-in-batch --pointwise 1) ;;
    *-ri) extra=(--alpha 0 --eta 0) ;; # RI alone, the best objective on this machine's CPU runs
  esac
  case "$run" in *fused*) extra+=(--fuse-cosine "$(cat "$w/fuse-weight")") ;; esac
  step "$run" '^selection' distill "$run" "${extra[@]}"
done
step evals '^eval ' evals
pack_results
note "== medquad-teacher: all steps done"
cp "$summary" "$out/summary.txt"
