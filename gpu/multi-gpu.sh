#!/usr/bin/env bash
# Data-parallel distillation and teacher scoring on every GPU of a multi-GPU device machine (issue 20), from the
# GPU bundle's bench inputs (random-weight bge-small, STS-B sentences, 2,000 MedQuAD passages):
#   examples  1,024 synthetic retrieval examples: an STS-B sentence as the query, a MedQuAD passage as its positive,
#             8 other passages as hard negatives (the figures are throughput and agreement, not quality)
#   distill   the same plan (LoRA on the live backbone, gold labels, global batch $BATCH) on 1, 2, 4, 8 GPUs
#             (--device gpu0,gpu1,...): steps/s, samples/s, scaling efficiency, the host-side weight sync and
#             gradient gathering time, and the first 50 steps' losses against 1 GPU (gpu/compare_parity.py)
#   score     teacher score of the plan's pairs on 1, 2, 4, 8 GPUs (the pairs shared out): pairs/s
# Usage: run(command="bash .gpu-bundle/gpu/multi-gpu.sh", kind="nvidia-h100-x2" or larger, carry=[".gpu-bundle"]).
# Keeps NCCL_NVLS_ENABLE and the machine's other NCCL settings as they are (d2llm's gather goes through PyTorch's
# device copies, not NCCL). The summary is printed last and written to $OUT/summary.txt.
set -uo pipefail
bundle="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${OUT:-/tmp/d2llm-multi-out}"
w=/tmp/d2llm-multi
batch="${BATCH:-32}"
mkdir -p "$out" "$w/logs"
summary="$out/summary.txt"
: >"$summary"
d2llm="$bundle/d2llm"
note() { echo "$*" | tee -a "$summary"; }
step() {
  local name="$1" pattern="$2"; shift 2
  local start=$SECONDS rc
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 500 >"$w/logs/$name.mem" 2>/dev/null &
  local sampler=$!
  "$@" >"$w/logs/$name.log" 2>&1
  rc=$?
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
  note "== $name: rc=$rc $((SECONDS - start))s gpu_mem_used_peak=$(sort -n "$w/logs/$name.mem" | tail -1)MiB"
  grep -a -o -E "($pattern).*" "$w/logs/$name.log" | tail -3 | tee -a "$summary"
  [ "$rc" = 0 ] || tail -c 1200 "$w/logs/$name.log" | tee -a "$summary"
  tar -C "$w" -czf "$out/logs.tar.gz" logs
  return "$rc"
}

gpus=$(nvidia-smi --list-gpus | wc -l)
note "== multi-gpu on ${gpus} x $(nvidia-smi --query-gpu=name --format=csv,noheader | head -1), bundle $(cat "$bundle/commit")"
model="$w/bge-small-random"
if [ ! -f "$model/model.safetensors" ]; then
  xz -dc "$bundle/bench.tar.xz" | tar -C "$w" -xf -
  step make-model 'random' python3 "$bundle/gpu/make_random_model.py" "$w/bench/models/bge-small-en-v1.5" "$model"
  # Dropout off (here and in LoRA), so that 1 and N GPUs compute the same losses: with dropout each shard draws its
  # own masks, the same distribution but other numbers.
  python3 -c 'import json, sys; p = sys.argv[1]; c = json.load(open(p))
c["hidden_dropout_prob"] = c["attention_probs_dropout_prob"] = 0.0; json.dump(c, open(p, "w"), indent=2)' "$model/config.json"
fi
python3 - "$w/bench/data/stsb-sentences.txt" "$w/bench/data/medquad-2k.txt" "$w/examples.jsonl" <<'PY'
import json, random, sys
queries = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
passages = [l.strip() for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
rng = random.Random(1)
with open(sys.argv[3], "w", encoding="utf-8") as f:
    for i in range(1024):
        negatives = rng.sample([p for j, p in enumerate(passages[:200]) if j != i % 200], 8)
        f.write(json.dumps({"dataset": "synthetic", "query": queries[i], "positive": passages[i % 2000],
                            "negatives": negatives}) + "\n")
PY
step student 'student' "$d2llm" student init --base "$model" --out "$w/student" --lora-rank 8 --lora-dropout 0

devices=""
for n in 1 2 4 8; do
  [ "$n" -le "$gpus" ] || break
  devices="gpu0"; for ((i = 1; i < n; i++)); do devices="$devices,gpu$i"; done
  rm -rf "$w/run-$n"
  step "distill-$n" 'training steps|student=' "$d2llm" distill --student "$w/student" --examples "$w/examples.jsonl" \
    --task synthetic=asym --batch-size "$batch" --negatives 8 --epochs 1 --gold --hard-in-batch --lr 1e-4 \
    --out "$w/run-$n" --validate-every 100000 --checkpoint-every 100000 --device "$devices"
  rate=$(grep -a -o 'steps_per_s=[0-9.]*' "$w/logs/distill-$n.log" | tail -1 | cut -d= -f2)
  [ "$n" = 1 ] && base_rate="$rate"
  if [ -n "${rate:-}" ] && [ -n "${base_rate:-}" ]; then
    note "scaling gpus=$n steps_per_s=$rate samples_per_s=$(awk -v r="$rate" -v b="$batch" 'BEGIN { printf "%.1f", r * b }')" \
      "efficiency=$(awk -v r="$rate" -v b="$base_rate" -v n="$n" 'BEGIN { printf "%.3f", r / (b * n) }')"
  fi
  if [ "$n" -gt 1 ]; then
    step "compare-$n" 'distill losses|step 50|validation' python3 "$bundle/gpu/compare_parity.py" /dev/null /dev/null \
      "$w/run-1/metrics.csv" "$w/run-$n/metrics.csv"
  fi
  rm -f "$w/teacher-$n.bin"
  step "score-$n" 'scored=' "$d2llm" teacher score --examples "$w/examples.jsonl" --teacher "$model" \
    --cache "$w/teacher-$n.bin" --batch-size "$batch" --negatives 8 --epochs 1 --device "$devices"
done
note "== multi-gpu: done"
