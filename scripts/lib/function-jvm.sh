# shellcheck shell=bash
# Sourced by the scripts that start the search function (make run, make function-aot's training run, the
# cold-start bench), so that each starts it the same way, and an AOT cache is trained with the options it
# is used with. Beyond what DJL and the kernels need, the function opens an index of hundreds of MiB into
# fresh arrays at start-up: the parallel collector with transparent huge pages maps that memory in 2 MiB
# pages instead of G1's humongous regions faulted in 4 KiB at a time, which took opening the 100k index from
# 1.6 s to 0.76 s in a fresh JVM (docs/search.md, "Cold start"). FUNCTION_JAVA_OPTS (D2LLM_JAVA_OPTS for make run) adds options of your own.
#
# Memory is bounded explicitly (issue 18, figures in docs/search.md, "Memory under load"): left to its
# defaults on a 24 GB machine the parallel collector grew the young generation to about 2 GB under load
# and never gave it back, and glibc kept what PyTorch freed. D2LLM_HEAP (default 1g: the 100k bench
# index's arrays and the student's host weights fit) caps the heap and D2LLM_YOUNG (default 96m) the
# young generation; fixed survivor spaces (no adaptive sizing, a sixth of the young generation each)
# keep requests' objects from being promoted, which otherwise grew the old generation by about 1 MB/s;
# the JVM hands glibc's free memory back every 5 s (TrimNativeHeapInterval: after a burst of large
# /embed calls the RSS returns to its idle value); MALLOC_ARENA_MAX (default 2) bounds glibc's arenas;
# MKL_DISABLE_FAST_MM (default 1) keeps the AMD preload's MKL from caching its buffers, which held about
# 140 MB after a burst (docs/search.md, "Where the burst's memory went").
# shellcheck disable=SC2034 # used by the scripts that source this file
FUNCTION_JVM_OPTS=(-Dai.djl.offline=true --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  -XX:+UseParallelGC -XX:+UseTransparentHugePages
  -Xms256m "-Xmx${D2LLM_HEAP:-1g}" "-Xmn${D2LLM_YOUNG:-96m}" -XX:-UseAdaptiveSizePolicy -XX:SurvivorRatio=4
  -XX:TrimNativeHeapInterval=5000)
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" MKL_DISABLE_FAST_MM="${MKL_DISABLE_FAST_MM:-1}"

# wait_ready URL PID [SECONDS] [CHECK]: polls URL/q/health/ready every 0.2 s until it answers 200 (returns 0),
# the process PID exits (1) or SECONDS (default 300) pass (2). CHECK, a command, runs after each 503 and ends
# the wait with 3 when it succeeds (make run stops there on an index the function refuses).
wait_ready() {
  local url="$1" pid="$2" deadline=$((SECONDS + ${3:-300})) check="${4:-}" status
  while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    status="$(curl -s -o /dev/null -w '%{http_code}' "$url/q/health/ready" || true)"
    [ "$status" != 200 ] || return 0
    if [ "$status" = 503 ] && [ -n "$check" ] && "$check"; then return 3; fi
    sleep 0.2
  done
  return 2
}
