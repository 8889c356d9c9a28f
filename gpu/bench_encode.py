"""The Python side of `d2llm bench encode`: sentence-transformers' encode on the same model directory, texts,
batch size and device, median of REPEATS passes after a warm-up; with --ours, the vectors d2llm dumped
(--dump) against sentence-transformers' own for the same texts (max_abs_diff).
Usage: bench_encode.py --model DIR --texts FILE [--batch 128] [--precision fp32|fp16] [--ours FILE]"""
import argparse
import statistics
import time

import numpy as np
import torch
from sentence_transformers import SentenceTransformer

ap = argparse.ArgumentParser()
ap.add_argument("--model", required=True)
ap.add_argument("--texts", required=True)
ap.add_argument("--batch", type=int, default=128)
ap.add_argument("--repeats", type=int, default=5)
ap.add_argument("--precision", default="fp32", choices=["fp32", "fp16", "bf16"])
ap.add_argument("--ours")
args = ap.parse_args()

texts = [line.rstrip("\n") for line in open(args.texts, encoding="utf-8") if line.strip()]
model = SentenceTransformer(args.model, device="cuda")
if args.precision == "fp16":
    model.half()
elif args.precision == "bf16":
    model.bfloat16()
torch.cuda.reset_peak_memory_stats()
vectors = model.encode(texts, batch_size=args.batch)  # warm-up
seconds = []
for _ in range(args.repeats):
    torch.cuda.synchronize()
    start = time.perf_counter()
    model.encode(texts, batch_size=args.batch)
    seconds.append(time.perf_counter() - start)
median = statistics.median(seconds)
peak = torch.cuda.max_memory_allocated() / 2**20
print(f"st_encode texts={len(texts)} batch={args.batch} precision={args.precision} median_s={median:.3f}"
      f" sentences_per_s={len(texts) / median:.1f} peak_alloc_mib={peak:.0f}"
      f" torch={torch.__version__} gpu={torch.cuda.get_device_name()}")
if args.ours:
    ours = np.fromfile(args.ours, dtype="<f4").reshape(-1, vectors.shape[1])
    ref = np.asarray(vectors[: len(ours)], dtype=np.float32)
    print(f"parity vs sentence-transformers ({args.precision}): n={len(ours)}"
          f" max_abs_diff={np.abs(ours - ref).max():.3e}")
