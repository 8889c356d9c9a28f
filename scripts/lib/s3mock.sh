# shellcheck shell=bash
# Sourced by scripts that need a local S3 server: `s3mock_start DIR BUCKET` starts Adobe S3Mock (the
# runnable jar the build copies to src/target/s3mock/) on a loopback port with BUCKET created and its
# objects and log under DIR, waits until it answers, and sets S3MOCK_PID and S3MOCK_ENDPOINT. The
# caller stops it (kill "$S3MOCK_PID"). JUnit tests start the same server through S3MockServer.
s3mock_start() {
  local dir="$1" bucket="$2" lib jar java_home port
  lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  jar="$lib/../../src/target/s3mock/s3mock.jar"
  [ -f "$jar" ] || { echo "s3mock: $jar is missing; run 'make build' first" >&2; return 1; }
  java_home="$("$lib/../find-jdk")"
  port=$(( 20000 + RANDOM % 20000 ))
  "$java_home/bin/java" -XX:TieredStopAtLevel=1 -Xmx1g -jar "$jar" --server.port=0 --server.address=127.0.0.1 \
    --com.adobe.testing.s3mock.httpPort="$port" --com.adobe.testing.s3mock.store.root="$dir/s3" \
    --com.adobe.testing.s3mock.store.initialBuckets="$bucket" --spring.main.banner-mode=off > "$dir/s3mock.log" 2>&1 &
  S3MOCK_PID=$!
  S3MOCK_ENDPOINT="http://127.0.0.1:$port"
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null "$S3MOCK_ENDPOINT/" && return 0
    kill -0 "$S3MOCK_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "s3mock: no answer on $S3MOCK_ENDPOINT; its log:" >&2
  tail -20 "$dir/s3mock.log" >&2
  return 1
}
