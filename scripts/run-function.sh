#!/usr/bin/env bash
# make run: starts the search function on port 8080 with the shipped default student and, unless
# D2LLM_INDEX_URI names one, the bundled demo corpus indexed into a local file:// store at first
# start; waits until it is ready and prints a curl to paste. Ctrl-C stops it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/function/target/quarkus-app/quarkus-run.jar"
[ -f "$jar" ] || { echo "run: $jar is missing; run 'make build' first" >&2; exit 1; }
java_home="$("$root/scripts/find-jdk")"
# shellcheck source=scripts/lib/function-jvm.sh
. "$root/scripts/lib/function-jvm.sh"
# shellcheck source=scripts/lib/mkl-amd.sh
. "$root/scripts/lib/mkl-amd.sh"
mkl_amd_preload "$root"
port="${PORT:-8080}"
# The production profile wants an API key; a local run makes one up unless you bring your own.
export D2LLM_AUTH_API_KEY="${D2LLM_AUTH_API_KEY:-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')}"

# shellcheck disable=SC2086 # D2LLM_JAVA_OPTS holds several options: split on purpose
"$java_home/bin/java" "${FUNCTION_JVM_OPTS[@]}" \
  -Dquarkus.http.port="$port" ${D2LLM_JAVA_OPTS:-} -jar "$jar" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' INT TERM EXIT

# Readiness says UP or DOWN only; /info (behind the key) says why the function is not ready. It keeps
# retrying an index it cannot load, so a refused one is reported here rather than waited for.
info() { curl -s -H "X-API-Key: $D2LLM_AUTH_API_KEY" "http://localhost:$port/info" || true; }
refused() { info | grep -q '"status":"not ready: \(index .* refused\|cannot start\)'; }
waited=0
wait_ready "http://localhost:$port" "$pid" 300 refused || waited=$?
case "$waited" in
  0) ;;
  1) echo "run: the function exited during start-up (see its log above)" >&2; exit 1 ;;
  2) echo "run: the function is not ready after 300 s:" >&2; info >&2; echo >&2; exit 1 ;;
  *) echo "run: the function is up but not ready (it retries the index meanwhile):" >&2; info >&2; echo >&2; exit 1 ;;
esac
cat <<MSG

d2llm search function ready on http://localhost:$port (index: $(info | sed -n 's/.*"index":"\([^"]*\)".*/\1/p'))
Try:

  curl -s http://localhost:$port/search -H 'X-API-Key: $D2LLM_AUTH_API_KEY' -H 'Content-Type: application/json' \\
    -d '{"query": "How tall is the highest mountain?", "topK": 3}'

Ctrl-C stops it.
MSG
wait $pid
