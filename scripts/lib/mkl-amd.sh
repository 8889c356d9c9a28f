# shellcheck shell=bash
# Sourced by the launchers: on an AMD processor, preloads scripts/lib/mkl-amd.c (built once into
# ~/.cache/d2llm/native with the system's C compiler) so that PyTorch's MKL uses its AVX-512/AVX2 GEMM
# kernels instead of its generic path. D2LLM_MKL_AMD=0 turns it off; without a C compiler nothing changes.
mkl_amd_preload() {
  local root="$1" src lib
  [ "${D2LLM_MKL_AMD:-1}" != 0 ] || return 0
  grep -qm1 AuthenticAMD "${D2LLM_CPUINFO:-/proc/cpuinfo}" 2>/dev/null || return 0
  src="$root/scripts/lib/mkl-amd.c"
  lib="${XDG_CACHE_HOME:-$HOME/.cache}/d2llm/native/libd2llm-mkl-amd-$(cksum <"$src" | cut -d' ' -f1).so"
  if [ ! -f "$lib" ]; then
    command -v cc >/dev/null 2>&1 || return 0
    mkdir -p "$(dirname "$lib")" && cc -O2 -shared -fPIC -o "$lib.tmp$$" "$src" 2>/dev/null && mv "$lib.tmp$$" "$lib" || return 0
  fi
  export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
}
