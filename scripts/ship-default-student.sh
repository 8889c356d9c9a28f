#!/usr/bin/env bash
# Copies a trained student (descriptor, PMA and IEM weights; no LoRA: the shipped student's backbone
# is frozen) into the resources that `--model default` reads, with its base referenced as
# bundled:bge-small-en-v1.5 so it works on any machine (the base is pulled from Maven Central on
# first use).
#
#   scripts/ship-default-student.sh STUDENT_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="${1:?usage: scripts/ship-default-student.sh STUDENT_DIR}"
dst="$root/src/main/resources/dev/d2llm/students/default-en"
for f in d2llm_student.json pma.safetensors iem.safetensors; do
  [ -f "$src/$f" ] || { echo "ship-default-student: $src has no $f" >&2; exit 1; }
done
if [ -f "$src/adapter_model.safetensors" ]; then
  echo "ship-default-student: $src has LoRA adapters; the shipped student is PMA + IEM on the frozen base" >&2
  exit 1
fi
mkdir -p "$dst"
cp "$src/pma.safetensors" "$src/iem.safetensors" "$dst/"
# A residual student's PMA gate; the paper's student has none.
rm -f "$dst/pooling.safetensors"
if [ -f "$src/pooling.safetensors" ]; then cp "$src/pooling.safetensors" "$dst/"; fi
# A residual branch's domain gate (distill --domain-gate), if the student has one.
rm -f "$dst/domain_gate.json"
if [ -f "$src/domain_gate.json" ]; then cp "$src/domain_gate.json" "$dst/"; fi
sed -E 's|("base_model" *: *)"[^"]*"|\1"bundled:bge-small-en-v1.5"|' "$src/d2llm_student.json" > "$dst/d2llm_student.json"
grep -q '"bundled:bge-small-en-v1.5"' "$dst/d2llm_student.json"
du -ch "$dst"/* | tail -1
