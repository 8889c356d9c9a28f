#!/usr/bin/env bash
# Splits what a GPU experiment needs beyond the bundle (a real model's weights, data sets, a start student) into
# parts that each fit one device call beside the tracked files, in .gpu-stage/p1 .. pN (ignored). Each part
# travels in its own call, back to back while the machine stays warm (30 s), and lands in /tmp/d2llm-stage there:
#   run(command="bash gpu/stage-in.sh p1", carry=[".gpu-stage/p1"])   ... then p2, p3, then the bundle call.
#   gpu/stage-inputs.sh MODEL_DIR DATA_ROOT STUDENT_DIR SET...     (e.g. ~/.cache/d2llm/models/bge-small-en-v1.5
#                                                                  ../shared/data student-residual en/medquad en/msmarco-5k)
# PART_MB (default 46) bounds each part: 64 MiB a call, less the tracked files (about 10.4 MB).
set -euo pipefail
model="$1" data="$2" student="$3"; shift 3
root="$(cd "$(dirname "$0")/.." && pwd)"
stage="$root/.gpu-stage"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/in/models" "$tmp/in/data" "$tmp/in/students"
# The model without its ONNX copy; the data sets as the shared folder lays them out.
cp -r "$model" "$tmp/in/models/" && rm -rf "$tmp/in/models/$(basename "$model")/onnx"
# ONNX Runtime's states of the parity sentences on this CPU, for model verify --onnx-reference there (1.6 MB, safetensors).
if [ -f "$model/onnx/model.onnx" ]; then
  "$root/d2llm" model verify "$model" --save-onnx-reference "$tmp/in/models/$(basename "$model")/ort-reference.safetensors" >&2
fi
for set in "$@"; do mkdir -p "$tmp/in/data/$(dirname "$set")" && cp -r "$data/$set" "$tmp/in/data/$set"; done
cp -r "$student" "$tmp/in/students/"
rm -rf "$stage" && mkdir -p "$stage"
tar -C "$tmp/in" -cf - . | xz -1 -T2 >"$tmp/inputs.tar.xz"
split -b "${PART_MB:-46}m" -d -a 1 "$tmp/inputs.tar.xz" "$tmp/inputs.tar.xz.part"
i=1
for part in "$tmp"/inputs.tar.xz.part*; do
  mkdir -p "$stage/p$i" && mv "$part" "$stage/p$i/"
  i=$((i + 1))
done
sha256sum "$tmp/inputs.tar.xz" | cut -d' ' -f1 >"$stage/p1/inputs.sha256"
du -sh "$stage"/p*
