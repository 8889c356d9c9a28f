# shellcheck shell=bash
# Sourced by the CLI launcher: glibc's allocator tuned for tensor work (issue 21). By default glibc serves
# every block above a sliding threshold with a fresh mmap and gives it back on free, so each new
# activation of a forward pass (tens of MB) costs page faults on first touch, a few hundred thousand a
# pass. Blocks up to 32 MiB now come from the heap, freed heap memory is kept for the next pass, and the
# heap grows in 256 MiB steps. It helps most where passes are few and cold (bench encode, eval); warm
# passes gain little (docs/speed.md). The resident size then stays near its peak, which suits a job, not a
# long-lived server (the function keeps glibc's defaults). D2LLM_MALLOC_HEAP=0 turns it off; values
# already set in the environment win.
malloc_heap_tuning() {
  [ "${D2LLM_MALLOC_HEAP:-1}" != 0 ] || return 0
  export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
  export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-4294967296}"
  export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-268435456}"
}
