#!/usr/bin/env bash
# Keeps the JNI library a device call built (the launcher writes it to $OUT/jni/) in the GPU bundle, so that
# the next call reuses it instead of building it again (docs/gpu.md).
# Usage: scripts/gpu-keep-jni.sh FILES_AT [BUNDLE]   FILES_AT: the folder the call's files came back to.
set -euo pipefail
from="$1"
bundle="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.gpu-bundle}"
for f in libdjl_torch.so.xz libdjl_torch.key; do
  [ -f "$from/jni/$f" ] || { echo "gpu-keep-jni: no jni/$f under $from" >&2; exit 1; }
done
mkdir -p "$bundle/jni"
cp "$from/jni/libdjl_torch.so.xz" "$from/jni/libdjl_torch.key" "$bundle/jni/"
echo "gpu-keep-jni: $(cat "$bundle/jni/libdjl_torch.key") -> $bundle/jni/"
