#!/usr/bin/env bash
# The GPU bundle's launcher (copied to .gpu-bundle/d2llm): runs the d2llm CLI on the machine's GPU through the
# PyTorch its python3 holds. Once per machine it unpacks the runtime and the CLI, and puts DJL's JNI library
# beside that PyTorch's libtorch: the one in the bundle's jni/ (xz) when it was built for the same PyTorch, CUDA and
# patch, else one built here (gpu/build-jni.sh, about 30 s on 16 cores), which is also written to $OUT/jni/ when
# $OUT is set, so that it comes back and can be carried next time (docs/gpu.md).
# Usage: .gpu-bundle/d2llm ARGS...   (e.g. model verify DIR --device gpu)
# D2LLM_GPU_CACHE: where to unpack (default /tmp/d2llm-gpu, kept while the machine stays warm);
# D2LLM_PYTHON: the python with torch (default python3); D2LLM_JAVA_OPTS: extra JVM options.
set -euo pipefail
bundle="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$bundle")"
cache="${D2LLM_GPU_CACHE:-/tmp/d2llm-gpu}"
python="${D2LLM_PYTHON:-python3}"
say() { echo "d2llm-gpu: $*" >&2; }

read -r torch_dir torch_full cuda < <("$python" -c \
  'import torch, os; print(os.path.dirname(torch.__file__), torch.__version__, torch.version.cuda or "none")')
torch_lib="$torch_dir/lib"
torch_version="${torch_full%%+*}"
if [ "$cuda" = none ]; then flavor=cpu; use_cuda=0; else flavor="cu${cuda//./}"; use_cuda=1; fi

# Unpacks ARCHIVE into $cache/NAME unless the same archive was unpacked there already.
unpack() {
  local archive="$1" name="$2" key
  key="$(cksum <"$archive")"
  if [ "$(cat "$cache/$name.key" 2>/dev/null)" != "$key" ]; then
    rm -rf "${cache:?}/$name" && mkdir -p "$cache"
    xz -dc -T0 "$archive" | tar -C "$cache" -xf -
    echo "$key" >"$cache/$name.key"
  fi
}
unpack "$bundle/runtime.tar.xz" jre
unpack "$bundle/app.tar.xz" app

jni_key="djl=0.36.0 patch=$(cksum <"$bundle/gpu/djl-0.36.0-bfloat16.patch" | cut -d' ' -f1) torch=$torch_full cuda=$cuda"
if [ "$(cat "$torch_lib/libdjl_torch.key" 2>/dev/null)" != "$jni_key" ]; then
  if [ -f "$bundle/jni/libdjl_torch.so.xz" ] && [ "$(cat "$bundle/jni/libdjl_torch.key" 2>/dev/null)" = "$jni_key" ]; then
    say "JNI library from the bundle ($jni_key)"
    xz -dc "$bundle/jni/libdjl_torch.so.xz" >"$torch_lib/libdjl_torch.so"
  else
    say "building the JNI library against $torch_dir ($jni_key)"
    start=$SECONDS
    USE_CUDA=$use_cuda "$bundle/gpu/build-jni.sh" "$bundle/djl" "$torch_dir" "$cache/jre" "$cache/libdjl_torch.so"
    cp "$cache/libdjl_torch.so" "$torch_lib/libdjl_torch.so"
    say "built in $((SECONDS - start)) s"
    if [ -n "${OUT:-}" ]; then
      # xz: 2.6 MB -> under 1 MB, so that it fits the next call beside the bundle.
      mkdir -p "$OUT/jni" && xz -T0 -c "$cache/libdjl_torch.so" >"$OUT/jni/libdjl_torch.so.xz" \
        && echo "$jni_key" >"$OUT/jni/libdjl_torch.key"
    fi
  fi
  echo "$jni_key" >"$torch_lib/libdjl_torch.key"
fi

# DJL takes libtorch from PYTORCH_LIBRARY_PATH and its JNI library from the same folder; the version and
# flavour name what it was built for (the CPU libtorch in the app's jars is gone, so it cannot fall back).
export PYTORCH_LIBRARY_PATH="$torch_lib" PYTORCH_VERSION="$torch_version" PYTORCH_FLAVOR="$flavor"
# shellcheck disable=SC2086 # D2LLM_JAVA_OPTS holds several options: split on purpose
exec "$cache/jre/bin/java" ${D2LLM_JAVA_OPTS:-} -Dai.djl.offline=true --add-modules=jdk.incubator.vector \
  --enable-native-access=ALL-UNNAMED -Dd2llm.home="$repo" -jar "$cache/app/quarkus-run.jar" "$@"
