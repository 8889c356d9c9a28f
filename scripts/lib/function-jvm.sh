# shellcheck shell=bash
# Sourced by the scripts that start the search function (make run, make function-aot's training run, the
# cold-start bench), so that each starts it the same way, and an AOT cache is trained with the options it
# is used with. Beyond what DJL and the kernels need, the function opens an index of hundreds of MiB into
# fresh arrays at start-up: the parallel collector with transparent huge pages maps that memory in 2 MiB
# pages instead of G1's humongous regions faulted in 4 KiB at a time, which took opening the 100k index from
# 1.6 s to 0.76 s in a fresh JVM (docs/search.md, "Cold start"). FUNCTION_JAVA_OPTS (D2LLM_JAVA_OPTS for make run) adds options of your own.
# shellcheck disable=SC2034 # used by the scripts that source this file
FUNCTION_JVM_OPTS=(-Dai.djl.offline=true --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  -XX:+UseParallelGC -XX:+UseTransparentHugePages)
