#!/usr/bin/env bash
# Whole CPU commands timed against an earlier build of this repository in the same run (issue 21's job lines):
# eval of en/stsb dev (bge-small cosine), index build of the first 300 en/medquad answers with the default student,
# the en/sick-r cross-encoder teacher's eval of en/sick-r dev (500 pairs), and (job search, on request) bench search
# over the 100k bench index (`./d2llm bench corpus` builds it; INDEX names another). Each tree runs each command in turn,
# ROUNDS times, alternating, so both see the same machine; one line per run, `wall_s=` the whole command (JVM
# start and model load included), index build's own `passages_per_s=` where the build prints it.
#   scripts/bench-cpu-jobs.sh OLD_TREE [NEW_TREE]   (OLD_TREE: a built worktree, e.g. `git worktree add
#                                                    /tmp/old 501b244 && (cd /tmp/old && ./mvnw -o -q -pl cli -am
#                                                    -DskipTests package)`; NEW_TREE defaults to this one;
#                                                    D2LLM_DATA, TEACHER (en-sickr's teacher), ROUNDS (3),
#                                                    ANSWERS: answers index build reads (300), EVERY: take
#                                                    every EVERY-th answer (1; 16 samples the corpus's
#                                                    length mix, where the first answers are long), JOBS: which
#                                                    commands, default "eval index teacher"; "search" adds
#                                                    bench search, its p50_ms= line; TEACHER_SET: the pair
#                                                    file the teacher scores, default en/sick-r/dev.tsv)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
old="$(cd "$1" && pwd)" new="$(cd "${2:-$root}" && pwd)"
data="${D2LLM_DATA:-$root/../shared/data}"
teacher="${TEACHER:-$HOME/.cache/d2llm/experiments/en-sickr/teacher}"
models="${D2LLM_MODELS:-$HOME/.cache/d2llm/models}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
answers="${ANSWERS:-300}"
every="${EVERY:-1}"
# The limit inside awk: head closing the pipe early would end this script (pipefail) without a word.
awk -v n="$every" -v max="$answers" '(NR - 1) % n == 0 { print; if (++taken == max) exit }' \
  "$data/en/medquad/corpus.jsonl" >"$tmp/medquad.jsonl"
jobs=" ${JOBS:-eval index teacher} "
teacher_set="${TEACHER_SET:-en/sick-r/dev.tsv}"
# timed NAME TREE CMD...: runs CMD in TREE, prints its result line and the wall time
timed() {
  local name="$1" tree="$2" s e line
  shift 2
  s=$(date +%s%N)
  line="$(cd "$tree" && "$@" 2>&1 | grep -a -E 'spearman=|passages_per_s=|p50_ms=' | tail -1)" || true
  e=$(date +%s%N)
  printf '%s tree=%s %s wall_s=%d.%03d\n' "$name" "$tree" "$line" $(((e - s) / 1000000000)) $((((e - s) / 1000000) % 1000))
}
for round in $(seq "${ROUNDS:-3}"); do
  for tree in "$old" "$new"; do
    echo "== round $round $(date -u +%T)"
    [[ "$jobs" != *" eval "* ]] || timed eval_stsb_dev "$tree" ./d2llm eval --model "$models/bge-small-en-v1.5" \
      --scorer cosine --data "$data/en/stsb/dev.tsv" --task sts
    rm -rf "$tmp/index"
    [[ "$jobs" != *" index "* ]] || timed "index_build_medquad_${answers}_every_$every" "$tree" ./d2llm index build \
      --corpus "$tmp/medquad.jsonl" --out "$tmp/index"
    [[ "$jobs" != *" teacher "* ]] || timed "teacher_eval_${teacher_set//\//_}" "$tree" ./d2llm eval --model "$teacher" \
      --scorer teacher --data "$data/$teacher_set" --task sts
    [[ "$jobs" != *" search "* ]] || timed bench_search_100k "$tree" ./d2llm bench search \
      --index "${INDEX:-$HOME/.cache/d2llm/bench/synthetic-100000-seed42}" --query-file "$data/en/stsb/dev.tsv"
  done
done
