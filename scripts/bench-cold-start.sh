#!/usr/bin/env bash
# Cold start of the search function against an index in S3Mock: time from starting the JVM to the
# first answered /search, once with an empty shard cache (download + verify) and once with the
# cache filled. Usage: scripts/bench-cold-start.sh [--aot] INDEX_URI   (any index ./d2llm can read)
# INDEX_URI "demo" starts the function without one, on its 68-passage demo index (built into the cache
# on the first run): the second run is then the floor that JVM, Quarkus, PyTorch and the student set.
# --aot starts the aot-jar build with its JDK AOT cache (make function-aot) instead of the plain one.
# COLD_START_LOGS=DIR keeps the function's logs (FUNCTION_JAVA_OPTS can raise their level, or add JVM
# flags to try); COLD_START_THREADS=1 also prints the CPU of the function's live threads by name.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
aot=""
if [ "${1:-}" = --aot ]; then aot=1; shift; fi
index="${1:?usage: scripts/bench-cold-start.sh [--aot] INDEX_URI}"
java_home="$("$root/scripts/find-jdk")"
# shellcheck source=scripts/lib/function-jvm.sh
. "$root/scripts/lib/function-jvm.sh"
if [ -n "$aot" ]; then
  fn="$root/function/target/aot-app/quarkus-run.jar"
  if [ ! -f "$fn" ] || [ ! -f "${fn%/*}/app.aot" ]; then
    echo "bench-cold-start: no AOT build; run 'make function-aot'" >&2; exit 1
  fi
  jvm_opts="-XX:AOTCache=${fn%/*}/app.aot"
  label="jvm+aot"
else
  fn="$root/function/target/quarkus-app/quarkus-run.jar"
  [ -f "$fn" ] || { echo "bench-cold-start: $fn is missing; run 'make build'" >&2; exit 1; }
  jvm_opts=""
  label="jvm"
fi
# shellcheck source=scripts/lib/s3mock.sh
. "$root/scripts/lib/s3mock.sh"
work="$(mktemp -d)"
fport=$(( 20000 + RANDOM % 20000 ))
cleanup() { kill "${S3MOCK_PID:-}" "${fpid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

s3mock_start "$work" bench
export D2LLM_S3_ENDPOINT="$S3MOCK_ENDPOINT" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
export D2LLM_AUTH_API_KEY=bench D2LLM_INDEX_CACHE_DIR="$work/cache"
if [ "$index" != demo ]; then
  # Its progress goes to a log, shown only when the copy fails (a wrong URI, a broken index).
  "$root/d2llm" index copy "$index" s3://bench/index/ 2> "$work/copy.log" \
    || { echo "bench-cold-start: cannot copy $index into S3Mock:" >&2; tail -5 "$work/copy.log" >&2; exit 1; }
  export D2LLM_INDEX_URI=s3://bench/index/
fi
body='{"query":"How tall is the highest mountain?","topK":10}'
# CPU milliseconds from a /proc stat file: user + system, or with "sys" the system part only.
clk=$(getconf CLK_TCK)
cpu_ms() { awk -v clk="$clk" -v part="${2:-all}" '{print int(((part == "sys" ? 0 : $14) + $15) * 1000 / clk)}' "$1"; }
for run in empty-cache filled-cache; do
  s3_cpu0=$(cpu_ms "/proc/$S3MOCK_PID/stat")
  t0=$(date +%s%N)
  # shellcheck disable=SC2086 # the option lists hold several options: split on purpose
  "$java_home/bin/java" $jvm_opts "${FUNCTION_JVM_OPTS[@]}" \
    -Dquarkus.http.port=$fport ${FUNCTION_JAVA_OPTS:-} -jar "$fn" > "$work/function-$run.log" 2>&1 &
  fpid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-API-Key: bench' -H 'Content-Type: application/json' \
      -d "$body" "http://127.0.0.1:$fport/search" || true)" = 200 ]; do
    kill -0 $fpid 2>/dev/null || { tail -20 "$work/function-$run.log" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  grep -o 'index .* fetched and verified in .*' "$work/function-$run.log" | head -1
  grep -o 'serving index .*' "$work/function-$run.log" | head -1
  # CPU time by then, the function's (all threads) and S3Mock's: near twice the wall time, the two cores were the limit.
  echo "cpu_ms[$label,$run]=$(cpu_ms "/proc/$fpid/stat") sys_ms[$label,$run]=$(cpu_ms "/proc/$fpid/stat" sys)" \
    "s3mock_cpu_ms[$label,$run]=$(( $(cpu_ms "/proc/$S3MOCK_PID/stat") - s3_cpu0 ))"
  if [ -n "${COLD_START_THREADS:-}" ]; then
    # The live threads' CPU by name (threads that have ended are in cpu_ms only), largest first.
    for task in /proc/"$fpid"/task/*; do echo "$(cpu_ms "$task/stat") $(cat "$task/comm")"; done \
      | awk '{ms = $1; $1 = ""; sum[$0] += ms} END {for (t in sum) if (sum[t] > 0) print sum[t], t}' \
      | sort -rn | head -8 | sed "s/^/thread_cpu_ms[$label,$run] /"
  fi
  if [ -n "${COLD_START_LOGS:-}" ]; then mkdir -p "$COLD_START_LOGS"; cp "$work/function-$run.log" "$COLD_START_LOGS/"; fi
  echo "cold_start_ms[$label,$run]=$ms"
  kill $fpid; wait $fpid 2>/dev/null || true
done
