#!/usr/bin/env bash
# make job-demo: the tiny job (docs/jobs/tiny.yaml) on CPU against a local S3 server (Adobe S3Mock),
# killed with SIGKILL in the middle of its distill step, then run again: the re-run must skip the four
# steps that finished and resume at distill. Prints the report at the end. About two minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
s3mock="$root/src/target/s3mock/s3mock.jar"
[ -f "$s3mock" ] || { echo "job-demo: $s3mock is missing; run 'make build' first" >&2; exit 1; }
java_home="$(scripts/find-jdk)"
tmp="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

"$java_home/bin/java" -XX:TieredStopAtLevel=1 -Xmx512m -jar "$s3mock" --server.port=0 --server.address=127.0.0.1 \
  --com.adobe.testing.s3mock.httpPort="$port" --com.adobe.testing.s3mock.store.root="$tmp/s3" \
  --com.adobe.testing.s3mock.store.initialBuckets=d2llm-demo --spring.main.banner-mode=off > "$tmp/s3mock.log" 2>&1 &
s3pid=$!
job=""
cleanup() { [ -n "$job" ] && kill -9 "$job" 2>/dev/null; kill "$s3pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
endpoint="http://127.0.0.1:$port"
for _ in $(seq 1 600); do curl -sf -o /dev/null "$endpoint/" && break; sleep 0.2; done
curl -sf -o /dev/null "$endpoint/" || { echo "job-demo: S3Mock did not start:" >&2; tail -20 "$tmp/s3mock.log" >&2; exit 1; }
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
status=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$tmp/report.json")
echo "resumed_steps=$skipped rerun_steps=$ran report_status=$status"
if [ "$skipped" != 4 ] || [ "$ran" != 3 ] || [ "$status" != succeeded ]; then
  echo "job-demo: the re-run did not resume at distill" >&2
  exit 1
fi
