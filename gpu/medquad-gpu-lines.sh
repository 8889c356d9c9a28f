#!/usr/bin/env bash
# Two of the GPU issue's lines measured on real inputs, on the GPU machine after the staging calls
# (gpu/stage-inputs.sh MODEL DATA STUDENT en/medquad ..., then gpu/stage-in.sh p1, p2):
#   index  index build of en/medquad's whole corpus (15,809 answers) with the shipped default student: passages/s
#   lora   distill with LoRA on bge-small-en-v1.5's backbone (live, not frozen), gold labels, the in-batch softmax
#          with 8 hard negatives, batch 16: 100 steps (the first 1,600 mined training questions), steps/s
# Usage: bash gpu/medquad-gpu-lines.sh     (from the repository root; the summary goes to $OUT/summary.txt)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
d2llm="${D2LLM:-$root/.gpu-bundle/d2llm}"
device="${DEVICE:-gpu}"
out="${OUT:-/tmp/d2llm-lines-out}"
w="${WORK:-/tmp/d2llm-lines}"
stage=/tmp/d2llm-stage
mkdir -p "$out" "$w/logs"
summary="$out/summary.txt"
: >"$summary"
note() { echo "$*" | tee -a "$summary"; }
# STEP NAME PATTERN CMD...: CMD's output in logs/NAME.log; status, seconds, peak GPU memory and the lines matching
# PATTERN (from the match to the line's end: progress bars share lines) into the summary.
step() {
  local name="$1" pattern="$2"; shift 2
  local start=$SECONDS rc peak
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 500 >"$w/logs/$name.mem" 2>/dev/null &
  local sampler=$!
  "$@" >"$w/logs/$name.log" 2>&1
  rc=$?
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
  peak="$(sort -n "$w/logs/$name.mem" 2>/dev/null | tail -1)"
  note "== $name: rc=$rc $((SECONDS - start))s gpu_mem_used_peak=${peak:-?}MiB"
  grep -a -o -E "($pattern).*" "$w/logs/$name.log" | tail -3 | tee -a "$summary"
  [ "$rc" = 0 ] || tail -c 1200 "$w/logs/$name.log" | tee -a "$summary"
  tar -C "$w" -czf "$out/logs.tar.gz" logs
  return "$rc"
}

if [ ! -d "$w/in/models" ]; then
  mkdir -p "$w/in"
  if ! cat "$stage"/inputs.tar.xz.part* | xz -dc -T0 | tar -C "$w/in" -xf -; then
    note "no staged inputs in $stage (gpu/stage-inputs.sh, gpu/stage-in.sh)"
    exit 1
  fi
fi
model="$w/in/models/bge-small-en-v1.5"
medquad="$w/in/data/en/medquad"
note "== medquad-gpu-lines on $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null || echo "no GPU"), bundle $(cat "$root/.gpu-bundle/commit" 2>/dev/null), $(date -u +%FT%TZ)"

# The shipped student's base, bundled:bge-small-en-v1.5, resolves under D2LLM_MODELS.
step index 'passages_per_s|version=' env D2LLM_MODELS="$w/in/models" "$d2llm" index build --model default \
  --corpus "$medquad/corpus.jsonl" --out "$w/index" --device "$device"

step student-init 'student' "$d2llm" student init --base "$model" --out "$w/student-lora" --lora-rank 8
step mine 'examples' "$d2llm" mine --retrieval "$medquad" --split train --out "$w/examples.jsonl" --k 30
head -n "${QUESTIONS:-1600}" "$w/examples.jsonl" >"$w/examples-head.jsonl"
start=$SECONDS
step lora 'steps/s|student=' "$d2llm" distill --student "$w/student-lora" --examples "$w/examples-head.jsonl" \
  --task medquad=asym --batch-size 16 --negatives 8 --epochs 1 --gold --hard-in-batch --lr 1e-4 \
  --out "$w/run-lora" --validate-every 100000 --checkpoint-every 100000 --device "$device"
steps=$(($(wc -l <"$w/run-lora/metrics.csv" 2>/dev/null || echo 1) - 1))
note "lora: $steps steps in $((SECONDS - start)) s, JVM start, model load and the final save included"
cp "$w/run-lora/metrics.csv" "$out/lora-metrics.csv" 2>/dev/null
note "== medquad-gpu-lines: done"
