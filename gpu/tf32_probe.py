"""Whether libtorch on this machine honours TORCH_ALLOW_TF32_CUBLAS_OVERRIDE (the switch the JVM can set,
having no torch.backends API), and what an fp32 matmul of a BERT-small training shape runs at with the
environment it is started in.   Usage: [TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1] python3 gpu/tf32_probe.py"""
import os
import time

import torch

a = torch.randn(16384, 384, device="cuda")
w = torch.randn(384, 1536, device="cuda")
for _ in range(10):
    a @ w
torch.cuda.synchronize()
n = 200
t = time.perf_counter()
for _ in range(n):
    a @ w
torch.cuda.synchronize()
s = (time.perf_counter() - t) / n
print(f"override={os.environ.get('TORCH_ALLOW_TF32_CUBLAS_OVERRIDE', '')} torch={torch.__version__} "
      f"allow_tf32={torch.backends.cuda.matmul.allow_tf32} "
      f"tflops={2 * 16384 * 384 * 1536 / s / 1e12:.1f}")
