#!/usr/bin/env bash
# The CPU side of the CPU/GPU parity check (gpu/device-run.sh parity): runs docs/jobs/tiny.yaml on local
# copies of its inputs, then 52 distillation steps from its student, examples and teacher cache, all with
# --device cpu here, and packs the inputs and the CPU figures into DIR/parity.tar.xz. The device unpacks it
# at the same absolute path (/tmp/d2llm-job), since the teacher cache's keys name the teacher by its place.
# Usage: gpu/parity-cpu.sh DIR   (needs the built CLI: ./d2llm)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1"
store=/tmp/d2llm-job
rm -rf "$store" && mkdir -p "$store/data" "$store/models"
cp "$root"/cli/src/test/resources/pipeline/toy/{pairs.tsv,corpus.txt} "$store/data/"
cp -r "$root/src/test/resources/models/tiny-bert" "$store/models/"
sed "s#store: s3://d2llm-demo#store: $store#" "$root/docs/jobs/tiny.yaml" >"$store/tiny.yaml"
"$root/d2llm" job run --device cpu "$store/tiny.yaml" >"$store/job-cpu.log" 2>&1
run="$store/runs/tiny"
"$root/d2llm" distill --student "$run/student" --examples "$run/examples.jsonl" --teacher "$run/teacher" \
  --cache "$run/teacher.bin" --out "$store/run-cpu" --freeze-backbone --batch-size 4 --negatives 2 --epochs 13 \
  --lr 1e-3 --dev "$store/data/pairs.tsv" --validate-every 10 --checkpoint-every 1000 --device cpu \
  >"$store/distill-cpu.log" 2>&1
tar -C /tmp -cf - d2llm-job/data d2llm-job/models d2llm-job/tiny.yaml d2llm-job/runs/tiny/student \
  d2llm-job/runs/tiny/teacher d2llm-job/runs/tiny/examples.jsonl d2llm-job/runs/tiny/teacher.bin \
  d2llm-job/run-cpu/metrics.csv | xz -9 >"$out/parity.tar.xz"
