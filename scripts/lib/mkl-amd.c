/*
 * PyTorch's CPU library links Intel oneMKL, which takes a slow generic code path for its GEMM on
 * processors that are not Intel's, whatever instructions they have. On AMD EPYC (Zen 5, AVX-512) the
 * encoder's matrix products ran at half the speed of ONNX Runtime's. MKL asks this function whether
 * the processor is Intel's; preloaded, this answer lets MKL choose its kernels by the instructions
 * the processor reports (README, "Fidelity and speed"). scripts/lib/mkl-amd.sh builds and uses it.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
