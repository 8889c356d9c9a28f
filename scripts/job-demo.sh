#!/usr/bin/env bash
# make job-demo: the tiny job (docs/jobs/tiny.yaml) on CPU against a local S3 server (Adobe S3Mock),
# killed with SIGKILL in the middle of its distill step, then run again: the re-run must skip the four
# steps that finished and resume at distill. Prints the report at the end. About two minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/lib/s3mock.sh
. "$root/scripts/lib/s3mock.sh"
tmp="$(mktemp -d)"
S3MOCK_PID=""
job=""
cleanup() { [ -n "$job" ] && kill -9 "$job" 2>/dev/null; [ -n "$S3MOCK_PID" ] && kill "$S3MOCK_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
s3mock_start "$tmp" d2llm-demo
endpoint="$S3MOCK_ENDPOINT"
export D2LLM_S3_ENDPOINT="$endpoint" AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1

# The job's inputs, uploaded as a user would with `aws s3 cp` (S3Mock takes unsigned PUTs).
put() { curl -sf -X PUT --data-binary "@$1" "$endpoint/d2llm-demo/$2" -o /dev/null; }
put cli/src/test/resources/pipeline/toy/pairs.tsv data/pairs.tsv
put cli/src/test/resources/pipeline/toy/corpus.txt data/corpus.txt
for f in config.json model.safetensors tokenizer.json tokenizer_config.json; do
  put "src/test/resources/models/tiny-bert/$f" "models/tiny-bert/$f"
done

echo "== d2llm job validate docs/jobs/tiny.yaml"
./d2llm job validate docs/jobs/tiny.yaml

echo "== d2llm job run docs/jobs/tiny.yaml, killed with SIGKILL once its distill step has run a while"
./d2llm job run docs/jobs/tiny.yaml --work "$tmp/work" > "$tmp/first.log" 2>&1 &
job=$!
for _ in $(seq 1 1200); do
  grep -q "step 5/7 distill (distill): running" "$tmp/first.log" && break
  kill -0 "$job" 2>/dev/null || break
  sleep 0.1
done
sleep 1
kill -9 "$job" 2>/dev/null || { echo "job-demo: the job ended before it could be killed:" >&2; cat "$tmp/first.log" >&2; exit 1; }
wait "$job" 2>/dev/null || true
job=""
grep "^job tiny" "$tmp/first.log" || true
echo "(killed)"

echo "== d2llm job run docs/jobs/tiny.yaml again"
./d2llm job run docs/jobs/tiny.yaml --work "$tmp/work" | tee "$tmp/second.log" | grep "^job tiny"
skipped=$(grep -c "done in an earlier run, skipped" "$tmp/second.log" || true)
ran=$(grep -c "): running: " "$tmp/second.log" || true)
curl -sf "$endpoint/d2llm-demo/runs/tiny/report/report.json" > "$tmp/report.json"
# The job's own status is the report's first "status" (each step's comes after it).
status=$(grep -o '"status" : "[a-z-]*"' "$tmp/report.json" | head -1 | cut -d'"' -f4)
echo "resumed_steps=$skipped rerun_steps=$ran report_status=$status"
if [ "$skipped" != 4 ] || [ "$ran" != 3 ] || [ "$status" != succeeded ]; then
  echo "job-demo: the re-run did not resume at distill" >&2
  exit 1
fi
