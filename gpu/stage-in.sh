#!/usr/bin/env bash
# On the device machine: moves a staged part (gpu/stage-inputs.sh) into /tmp/d2llm-stage, where the next calls find
# it while the machine stays warm; lists what has arrived.   Usage: bash gpu/stage-in.sh p1
set -euo pipefail
mkdir -p /tmp/d2llm-stage
cp "$(dirname "$0")/../.gpu-stage/$1"/* /tmp/d2llm-stage/
ls -l /tmp/d2llm-stage
