#!/usr/bin/env bash
# Reproduces the shipped English student (src/main/resources/dev/d2llm/students/default-en): a
# residual student on bge-small-en-v1.5 whose two branches start as bge-small's own cosine, each
# centred on its training pairs, and whose symmetric branch's IEM is distilled on en/sick-r (the
# en-sickr experiment's "plus" run: teacher, BM25 negatives, CI/RI/FI + gold hard negatives +
# pointwise imitation, IEM alone on frozen vectors). The asymmetric branch is bge-small's cosine,
# centred on en/medquad's training pairs. Model selection keeps the start when no checkpoint beats
# it on the dev split, so the shipped student never ranks below bge-small.
#
#   scripts/default-student.sh        (D2LLM_DATA, D2LLM_WORK, D2LLM_CLI as for experiment.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
data="${D2LLM_DATA:-$root/../shared/data}"
work="${D2LLM_WORK:-$HOME/.cache/d2llm/experiments}"
cli="${D2LLM_CLI:-$root/d2llm}"
# The residual start, calibrated on both branches' training pairs; experiment.sh's residual runs start from it.
# shellcheck source=scripts/lib/residual-start.sh
. "$root/scripts/lib/residual-start.sh"
EPOCHS="${EPOCHS:-1}" BATCH="${BATCH:-16}" TEACHER_EPOCHS="${TEACHER_EPOCHS:-2}" RUNS=plus NO_REPORT=1 \
  D2LLM_CLI="$cli" scripts/experiment.sh en-sickr
scripts/ship-default-student.sh "$sickr/plus/best"
