#!/usr/bin/env bash
# Builds DJL's PyTorch JNI library (libdjl_torch.so) from the bundle's patched DJL sources against a PyTorch
# installation's libtorch, with DJL's own CMakeLists, as DJL's build.sh does for its releases.
# Usage: gpu/build-jni.sh DJL_DIR TORCH_DIR JAVA_HOME OUT_SO
#   DJL_DIR    the bundle's djl/ (engines/pytorch/pytorch-native with build/include/ holding the JNI header)
#   TORCH_DIR  the torch package directory (python3 -c 'import torch; print(torch.__path__[0])'), or a libtorch
#   JAVA_HOME  a Java runtime with include/jni.h (the bundle's runtime has it)
# USE_CUDA=0 builds without CUDA; JOBS sets make's parallelism (default: all cores).
set -euo pipefail
djl="$1" torch="$2" java_home="$3" dest="$4"
src="$djl/engines/pytorch/pytorch-native"
[ -f "$src/build/include/ai_djl_pytorch_jni_PyTorchLibrary.h" ] || { echo "build-jni: no JNI header under $src/build/include" >&2; exit 1; }
use_cuda="${USE_CUDA:-1}"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$torch" -DUSE_CUDA="$use_cuda" \
  -DJAVA_HOME="$java_home" -DJAVA_INCLUDE_PATH="$java_home/include" -DJAVA_INCLUDE_PATH2="$java_home/include/linux" \
  >"$build/cmake.log" 2>&1 || { cat "$build/cmake.log" >&2; exit 1; }
make -C "$build" -j"${JOBS:-$(nproc)}" >"$build/make.log" 2>&1 || { tail -50 "$build/make.log" >&2; exit 1; }
link="$build/CMakeFiles/djl_torch.dir/link.txt"
if [ "$use_cuda" = 1 ] && grep -Eq '/usr/local/cuda(.{5})?/lib64/lib(cudart|nvrtc)\.so' "$link"; then
  # As DJL's build.sh: libtorch brings its own CUDA runtime, so the toolkit's is not linked in.
  sed -i -r 's/\/usr\/local\/cuda(.{5})?\/lib64\/lib(cudart|nvrtc).so//g' "$link"
  rm -f "$build/libdjl_torch.so"
  (cd "$build" && bash "$link")
fi
grep -ci 'warning' "$build/make.log" | sed 's/^/build-jni: compiler warnings: /' >&2 || true
mkdir -p "$(dirname "$dest")"
cp "$build/libdjl_torch.so" "$dest"
