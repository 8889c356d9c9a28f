#!/usr/bin/env bash
# Writes DIR/djl: DJL 0.36.0's PyTorch JNI sources (engines/pytorch/pytorch-native and the utils.h it includes,
# with DJL's LICENSE and NOTICE) with gpu/djl-0.36.0-bfloat16.patch applied and the JNI header that javac
# generates from DJL's PyTorchLibrary.java in build/include/, ready for gpu/build-jni.sh on a machine without
# a JDK. Used by the GPU bundle (make gpu-bundle) and the cloud bundle (make cloud-bundle).
# Usage: gpu/djl-sources.sh DIR   DJL_GIT: a clone or mirror of DJL to read from (default: GitHub); JDK: the JDK.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1"
tag=v0.36.0
djl_git="${DJL_GIT:-https://github.com/deepjavalibrary/djl.git}"
jdk="${JDK:-$("$root/scripts/find-jdk")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "djl-sources: DJL $tag pytorch-native from $djl_git"
if [ -d "$djl_git" ] && git --git-dir="$djl_git" rev-parse -q --verify "$tag^{commit}" >/dev/null 2>&1; then
  src_git="$djl_git"
elif [ -d "$djl_git/.git" ]; then
  src_git="$djl_git/.git"
else
  git clone -q --bare --depth 1 --branch "$tag" "$djl_git" "$work/djl.git"
  src_git="$work/djl.git"
fi
mkdir -p "$work/djl"
git --git-dir="$src_git" archive "$tag" LICENSE NOTICE engines/pytorch/pytorch-native \
  engines/pytorch/pytorch-engine/src/main/java api/src/main/native/djl/utils.h | tar -C "$work/djl" -xf -
(cd "$work/djl" && patch -s -p1 <"$root/gpu/djl-0.36.0-bfloat16.patch")
native="$work/djl/engines/pytorch/pytorch-native"
"$jdk/bin/javac" -sourcepath "$work/djl/engines/pytorch/pytorch-engine/src/main/java" -h "$native/build/include" \
  -d "$work/classes" "$work/djl/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
# Only what CMake builds from travels: not DJL's Java engine, Gradle files or Android build.
rm -rf "$work/djl/engines/pytorch/pytorch-engine" "$native/src/main/java" "$native/src/main/resources" \
  "$native"/gradlew "$native"/*.kts "$native"/*.cmd "$native"/build_android.sh
mkdir -p "$out"
rm -rf "$out/djl" && cp -r "$work/djl" "$out/djl"
