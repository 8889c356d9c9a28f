#!/usr/bin/env bash
# Soak test of the search function on loopback: starts the packaged function (make build) the way
# make run does, on a free port with a fresh demo index under a temporary cache, waits until it is
# ready, then runs scripts/soak.py against it: mixed valid and invalid requests for N minutes at C
# connections, printing requests, status counts, socket errors, p50/p99 and the function's RSS every
# 10 s. Exits non-zero on any 5xx, socket error or unexpected status, or when the RSS grows faster
# than SOAK_MAX_RSS_SLOPE MB/min after the warm-up or ends above SOAK_MAX_RSS MB.
#
#   scripts/soak.sh [MINUTES] [CONNECTIONS]        defaults 10 and 32; SOAK_SECONDS=60 overrides MINUTES
#
# Before the soak, SOAK_BURST (default 8) /embed requests at the limits (64 texts of 2,000 characters)
# go out at once: each must be answered 200 or 503, and the RSS rise by at most SOAK_MAX_BURST_RSS MB
# (default 300); SOAK_BURST=0 skips it.
# SOAK_MAX_RSS_SLOPE (default 1), SOAK_MAX_RSS (default 1536), SOAK_WARMUP (seconds left out of the
# slope; default min(120, a third of the run)); D2LLM_INDEX_URI serves another index; FUNCTION_JAVA_OPTS
# adds JVM options; SOAK_NMT=1 tracks the JVM's native memory and prints its change by category after the
# burst (what the RSS gained beyond it is libtorch's and glibc's); SOAK_LOG=FILE keeps the function's log; SOAK_ONLY=search,info sends only those kinds
# (scripts/soak.py --help lists them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes="${1:-10}"
connections="${2:-32}"
seconds="${SOAK_SECONDS:-$(( minutes * 60 ))}"
jar="$root/function/target/quarkus-app/quarkus-run.jar"
[ -f "$jar" ] || { echo "soak: $jar is missing; run 'make build' first" >&2; exit 1; }
java_home="$("$root/scripts/find-jdk")"
# shellcheck source=scripts/lib/function-jvm.sh
. "$root/scripts/lib/function-jvm.sh"
# shellcheck source=scripts/lib/mkl-amd.sh
. "$root/scripts/lib/mkl-amd.sh"
mkl_amd_preload "$root"

work="$(mktemp -d)"
log="${SOAK_LOG:-$work/function.log}"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
key="soak-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  local rc=$?
  if [ -n "${pid:-}" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export D2LLM_AUTH_API_KEY="$key" D2LLM_INDEX_CACHE_DIR="${D2LLM_INDEX_CACHE_DIR:-$work/cache}"
nmt=()
[ "${SOAK_NMT:-0}" != 1 ] || nmt=(-XX:NativeMemoryTracking=summary)
# shellcheck disable=SC2086 # FUNCTION_JAVA_OPTS holds several options: split on purpose
"$java_home/bin/java" "${FUNCTION_JVM_OPTS[@]}" "${nmt[@]}" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
  ${FUNCTION_JAVA_OPTS:-} -jar "$jar" > "$log" 2>&1 &
pid=$!
waited=0
wait_ready "http://127.0.0.1:$port" "$pid" 300 || waited=$?
[ "$waited" = 0 ] || { echo "soak: the function did not get ready (wait_ready: $waited):" >&2; tail -20 "$log" >&2; exit 1; }
echo "soak: function pid $pid ready on port $port, RSS $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' "/proc/$pid/status")"

extra=()
if [ "${SOAK_NMT:-0}" = 1 ]; then
  "$java_home/bin/jcmd" "$pid" VM.native_memory baseline >/dev/null
  extra+=(--nmt-jcmd "$java_home/bin/jcmd")
fi
[ -n "${SOAK_WARMUP:-}" ] && extra+=(--warmup "$SOAK_WARMUP")
[ -n "${SOAK_ONLY:-}" ] && extra+=(--only "$SOAK_ONLY")
status=0
python3 "$root/scripts/soak.py" --url "http://127.0.0.1:$port" --key "$key" --seconds "$seconds" \
  --connections "$connections" --pid "$pid" --max-rss-slope "${SOAK_MAX_RSS_SLOPE:-1}" \
  --max-rss "${SOAK_MAX_RSS:-1536}" --burst "${SOAK_BURST:-8}" --max-burst-rss "${SOAK_MAX_BURST_RSS:-300}" \
  "${extra[@]}" || status=$?
errors="$(grep -c ' ERROR ' "$log" || true)"
echo "soak: the function logged $(wc -l < "$log") lines, $errors at ERROR"
if [ "$errors" != 0 ]; then
  grep -m5 ' ERROR ' "$log" >&2
  status=1
fi
exit "$status"
