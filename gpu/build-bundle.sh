#!/usr/bin/env bash
# Writes the GPU bundle (docs/gpu.md): everything the device machine needs to run ./d2llm on its GPU
# that the repository's tracked files do not hold, small enough to travel with them (64 MiB in all).
#   runtime.tar.xz  a jlink'd Java runtime (the machine has no JDK), with the JNI headers for the build
#   app.tar.xz      the CLI (cli/target/quarkus-app) without CPU libtorch, DJL's prebuilt JNI, ONNX Runtime's
#                   natives or other platforms' tokenizers natives; jars re-stored uncompressed so xz packs them
#   djl/            DJL 0.36.0's pytorch-native sources with the bfloat16 patch applied and the generated JNI
#                   header, built on the machine against its own PyTorch (gpu/build-jni.sh)
#   gpu/            the launcher, the JNI build script and the benches' Python references
#   d2llm           the launcher: ./d2llm ARGS on the device machine
# Usage: gpu/build-bundle.sh [DIR]   (default .gpu-bundle; make gpu-bundle GPU_BUNDLE_DIR=...)
# DJL_GIT: where to take DJL's sources from (a clone or mirror; default: GitHub).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mkdir -p "${1:-$root/.gpu-bundle}" && cd "${1:-$root/.gpu-bundle}" && pwd)"
jdk="${GPU_JDK:-$("$root/scripts/find-jdk")}"
app="$root/cli/target/quarkus-app"
# A call carries at most 64 MiB: the bundle (with the xz'd JNI library a call brought back, 0.55 MB) plus the
# repository's tracked files, with room for a job's store carried across calls (.gpu-job, about 1.2 MB).
max_bytes=$((62 * 1024 * 1024 + 512 * 1024))
# The modules the CLI's jars need (jdeps --print-module-deps over cli/target/quarkus-app) plus the ones
# that are looked up by name at run time (logging, zip file systems, management).
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http
modules+=,java.rmi,java.scripting,java.security.jgss,java.sql,java.xml,jdk.crypto.cryptoki,jdk.incubator.vector
modules+=,jdk.management,jdk.net,jdk.unsupported,jdk.zipfs

[ -f "$app/quarkus-run.jar" ] || { echo "gpu-bundle: $app is missing; build the CLI first (make gpu-bundle does)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 1. The runtime: rebuilt only when the JDK or the module list changes (xz -9 of it takes a minute or two).
runtime_key="$("$jdk/bin/java" -version 2>&1 | head -2 | tr '\n' ' ') $modules"
if [ ! -f "$out/runtime.tar.xz" ] || [ "$(cat "$out/runtime.key" 2>/dev/null)" != "$runtime_key" ]; then
  echo "gpu-bundle: jlink ($jdk)"
  "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress zip-0 \
    --output "$work/jre" 2>&1 | grep -v 'incubator modules' || true
  find "$work/jre" -name '*.so' -exec strip --strip-unneeded {} + 2>/dev/null || true
  # CMake's FindJNI wants jni.h and jni_md.h under JAVA_HOME/include.
  cp -r "$jdk/include" "$work/jre/include"
  tar -C "$work" -cf - jre | xz -T0 -9 >"$out/runtime.tar.xz.tmp"
  mv "$out/runtime.tar.xz.tmp" "$out/runtime.tar.xz"
  echo "$runtime_key" >"$out/runtime.key"
fi

# 2. The application, slimmed: natives the device never loads are dropped, the jars kept (Quarkus indexes them).
echo "gpu-bundle: app"
cp -r "$app" "$work/app"
lib="$work/app/lib/main"
drop() { # JAR PATTERN...: delete entries; zip exits 12 when nothing matched
  local jar="$1"; shift
  zip -q -d "$jar" "$@" || [ $? -eq 12 ]
}
for jar in "$lib"/ai.djl.pytorch.pytorch-native-cpu-*.jar; do drop "$jar" 'pytorch/*.so*' 'pytorch/*.dll' 'pytorch/*.dylib'; done
for jar in "$lib"/ai.djl.pytorch.pytorch-jni-*.jar; do drop "$jar" 'jnilib/*/*'; done
for jar in "$lib"/ai.djl.huggingface.tokenizers-*.jar; do
  drop "$jar" 'native/lib/linux-aarch64/*' 'native/lib/osx-*' 'native/lib/win-*'
done
for jar in "$lib"/com.microsoft.onnxruntime.onnxruntime-*.jar; do drop "$jar" 'ai/onnxruntime/native/*'; done
python3 "$root/gpu/restore-jars.py" "$work"/app/lib/*/*.jar
tar -C "$work" -cf - app | xz -T0 -9 >"$out/app.tar.xz"

# 3. DJL's JNI sources at the release the project uses, patched, with the header javac generates.
JDK="$jdk" "$root/gpu/djl-sources.sh" "$out"

# 4. The launcher and the scripts it runs; the JNI library a device call brought back is kept (jni/).
rm -rf "$out/gpu" && mkdir -p "$out/gpu" "$out/jni"
cp "$root"/gpu/*.sh "$root"/gpu/*.py "$root"/gpu/*.patch "$out/gpu/"
cp "$root/gpu/launch.sh" "$out/d2llm"
chmod +x "$out/d2llm" "$out"/gpu/*.sh
git -C "$root" rev-parse --short HEAD >"$out/commit" 2>/dev/null || true

# 5. The benches' inputs (gpu/device-run.sh): a model's non-weight files (random weights are made on the
# machine) and texts from ../shared/data. Left out, with a note, where they are missing.
bench_model="${BENCH_MODEL:-$HOME/.cache/d2llm/models/bge-small-en-v1.5}"
data="${BENCH_DATA:-$root/../shared/data}"
if [ -f "$bench_model/config.json" ] && [ -f "$data/en/stsb/train.tsv" ] && [ -f "$data/en/medquad/corpus.jsonl" ]; then
  mkdir -p "$work/bench/models/bge-small-en-v1.5" "$work/bench/data"
  (cd "$bench_model" && find . -type f ! -name '*.safetensors' ! -name '*.bin' ! -path './onnx/*' \
    -exec cp --parents {} "$work/bench/models/bge-small-en-v1.5/" \;)
  tail -n +2 "$data/en/stsb/train.tsv" | cut -f1,2 | tr '\t' '\n' | awk 'NF && !seen[$0]++' >"$work/bench/data/stsb-sentences.txt"
  python3 -c 'import json, sys
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    if i == 2000: break
    d = json.loads(line); print(" ".join((d.get("title", "") + " " + d["text"]).split()))' \
    "$data/en/medquad/corpus.jsonl" >"$work/bench/data/medquad-2k.txt"
  tar -C "$work" -cf - bench | xz -T0 -9 >"$out/bench.tar.xz"
else
  echo "gpu-bundle: no bench inputs ($bench_model or $data missing): the benches will not run" >&2
  rm -f "$out/bench.tar.xz"
fi

# 6. The CPU side of the CPU/GPU parity check (gpu/device-run.sh parity), about a minute.
"$root/gpu/parity-cpu.sh" "$out"

bytes=$(du -sb "$out" | cut -f1)
tracked=$(cd "$root" && git ls-files -z | xargs -0 cat 2>/dev/null | wc -c)
printf 'gpu-bundle: %s  %.1f MiB (runtime %.1f, app %.1f); with the tracked files %.1f MiB\n' "$out" \
  "$(echo "$bytes / 1048576" | bc -l)" \
  "$(echo "$(stat -c %s "$out/runtime.tar.xz") / 1048576" | bc -l)" "$(echo "$(stat -c %s "$out/app.tar.xz") / 1048576" | bc -l)" "$(echo "($bytes + $tracked) / 1048576" | bc -l)"
if [ $((bytes + tracked)) -gt "$max_bytes" ]; then
  echo "gpu-bundle: over $((max_bytes / 1024)) KiB with the tracked files: too close to the 64 MiB a call carries" >&2
  exit 1
fi
