#!/usr/bin/env bash
# make function-aot: writes the JDK AOT cache (JEP 483/514/515) that cuts the search function's JVM
# start-up. Quarkus' aot-jar packaging (function/target/aot-app/, from the Makefile) puts every class
# on the JVM's own class path, where the cache can hold it; this script is the training run: it starts
# that build with -XX:AOTCacheOutput against a small index in S3Mock, sends every kind of request, and
# stops it, whereupon the JVM writes function/target/aot-app/app.aot. Start the function with
# -XX:AOTCache=function/target/aot-app/app.aot and the same JDK; the cache is only valid for this build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app="$root/function/target/aot-app"
[ -f "$app/quarkus-run.jar" ] || { echo "train-aot-cache: $app/quarkus-run.jar is missing; run 'make function-aot'" >&2; exit 1; }
java_home="$("$root/scripts/find-jdk")"
# shellcheck source=scripts/lib/function-jvm.sh
. "$root/scripts/lib/function-jvm.sh"
major="$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')"
[ "${major%%.*}" -ge 25 ] || { echo "train-aot-cache: the AOT cache needs JDK 25 or newer, $java_home is $major" >&2; exit 1; }
# shellcheck source=scripts/lib/s3mock.sh
. "$root/scripts/lib/s3mock.sh"
work="$(mktemp -d)"
port=$(( 20000 + RANDOM % 20000 ))
cleanup() { kill "${S3MOCK_PID:-}" "${fpid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

s3mock_start "$work" train
export D2LLM_S3_ENDPOINT="$S3MOCK_ENDPOINT" AWS_ACCESS_KEY_ID=train AWS_SECRET_ACCESS_KEY=train AWS_REGION=us-east-1
"$root/d2llm" index build --model default --corpus "$root/function/src/main/resources/dev/d2llm/function/demo-corpus.jsonl" \
  --out s3://train/index/ > "$work/index.log" 2>&1 || { tail -20 "$work/index.log" >&2; exit 1; }

export D2LLM_AUTH_API_KEY=train D2LLM_INDEX_URI=s3://train/index/ D2LLM_INDEX_CACHE_DIR="$work/cache"
rm -f "$app/app.aot"
# shellcheck disable=SC2086 # FUNCTION_JAVA_OPTS holds several options: split on purpose
"$java_home/bin/java" -XX:AOTCacheOutput="$app/app.aot" "${FUNCTION_JVM_OPTS[@]}" \
  -Dquarkus.http.port="$port" ${FUNCTION_JAVA_OPTS:-} -jar "$app/quarkus-run.jar" \
  > "$work/function.log" 2>&1 &
fpid=$!
url="http://127.0.0.1:$port"
wait_ready "$url" "$fpid" 300 || { tail -20 "$work/function.log" >&2; exit 1; }
post() { curl -s -o /dev/null -w '%{http_code} ' -H 'X-API-Key: train' -H 'Content-Type: application/json' -d "$2" "$url/$1"; }
for _ in 1 2 3; do
  post search '{"query":"How tall is the highest mountain?","topK":10}'
  post search '{"query":"Which river is the longest?","topK":3,"task":"asym"}'
  post search '{"query":"What do bees make?","topK":5,"mode":"exact"}'
  post embed '{"texts":["a first sentence","a second one"]}'
  post score '{"query":"mountains","passages":["Everest is the highest mountain.","Bees make honey."]}'
  post search '{"query":"","topK":10}'
  curl -s -o /dev/null -H 'X-API-Key: train' "$url/info"
  curl -s -o /dev/null "$url/q/health"
  curl -s -o /dev/null "$url/q/metrics"
done
echo
kill $fpid
# The JVM writes the cache as it exits; that takes a while.
wait $fpid 2>/dev/null || true
fpid=""
[ -s "$app/app.aot" ] || { echo "train-aot-cache: no cache was written; the function's log:" >&2; tail -30 "$work/function.log" >&2; exit 1; }
echo "AOT cache: $app/app.aot ($(du -h "$app/app.aot" | cut -f1)); start the function with -XX:AOTCache=$app/app.aot"
