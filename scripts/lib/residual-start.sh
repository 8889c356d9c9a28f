# shellcheck shell=bash
# Sourced by scripts/default-student.sh and scripts/medquad-experiment.sh (with data, work and cli
# set): mines en/sick-r and en/medquad training examples and makes the residual start on
# bge-small-en-v1.5, each branch's cosine calibrated on its pairs, unless they exist. Sets sickr and
# medquad to the two experiment directories.
: "${data:?}" "${cli:?}"
sickr="${work:?}/en-sickr"
medquad="$work/en-medquad"
mkdir -p "$sickr" "$medquad"
[ -f "$sickr/examples.jsonl" ] || $cli mine --data "$data/en/sick-r/train.tsv" --out "$sickr/examples.jsonl" --k 30
[ -f "$medquad/examples.jsonl" ] || $cli mine --retrieval "$data/en/medquad" --split train --out "$medquad/examples.jsonl" --k 30
[ -f "$sickr/student-residual/d2llm_student.json" ] || $cli student init --base bundled:bge-small-en-v1.5 \
  --out "$sickr/student-residual" --lora-rank 0 --iem residual \
  --calibrate "sym=$sickr/examples.jsonl" --calibrate "asym=$medquad/examples.jsonl"
