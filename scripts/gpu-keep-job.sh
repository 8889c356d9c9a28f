#!/usr/bin/env bash
# Carries a job's store that a device call brought back ($OUT/job/store.tar.xz) into the next call: copies it to
# .gpu-job/store.tar.xz (ignored), which gpu/device-run.sh jobrest unpacks and resumes (docs/gpu.md).
# Usage: scripts/gpu-keep-job.sh FILES_AT     FILES_AT: the folder the call's files came back to.
set -euo pipefail
from="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ -f "$from/job/store.tar.xz" ] || { echo "gpu-keep-job: no job/store.tar.xz under $from" >&2; exit 1; }
mkdir -p "$root/.gpu-job"
cp "$from/job/store.tar.xz" "$root/.gpu-job/store.tar.xz"
echo "gpu-keep-job: $(du -h "$root/.gpu-job/store.tar.xz" | cut -f1) -> $root/.gpu-job/store.tar.xz"
