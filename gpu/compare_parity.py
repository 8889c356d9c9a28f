"""CPU against GPU for the same distillation inputs (gpu/parity-cpu.sh, gpu/device-run.sh parity): the
teacher's cached judgements (score and feature of every pair, by content key) and the losses of each
distillation step in metrics.csv. Usage: compare_parity.py CPU_CACHE GPU_CACHE CPU_METRICS GPU_METRICS"""
import csv
import struct
import sys


def judgements(path):
    out, data, i = {}, open(path, "rb").read(), 0
    while i + 40 <= len(data):
        key = data[i:i + 32]
        score, n = struct.unpack_from("<fi", data, i + 32)
        features = struct.unpack_from(f"<{n}f", data, i + 40)
        out[key] = (score, features)
        i += 40 + 4 * n
    return out


cpu, gpu = judgements(sys.argv[1]), judgements(sys.argv[2])
common = cpu.keys() & gpu.keys()
if common:  # /dev/null for both caches compares the losses alone
    score_diff = max(abs(cpu[k][0] - gpu[k][0]) for k in common)
    feature_diff = max((abs(a - b) for k in common for a, b in zip(cpu[k][1], gpu[k][1])), default=0.0)
    print(f"teacher judgements: cpu={len(cpu)} gpu={len(gpu)} common={len(common)}"
          f" score_max_abs_diff={score_diff:.3e} feature_max_abs_diff={feature_diff:.3e}")

# Rows that hold a step's losses; the step-0 row and others may hold only a validation score.
rows = [[r for r in csv.DictReader(open(p)) if r["total"] != ""] for p in sys.argv[3:5]]
steps = min(len(rows[0]), len(rows[1]), 50)
columns = ["total", "in_batch", "ci", "ri_pearson", "ri_pairwise", "fi", "pi"]
worst = {c: max(abs(float(a[c]) - float(b[c])) for a, b in zip(rows[0][:steps], rows[1][:steps])) for c in columns}
rel = max(abs(float(a["total"]) - float(b["total"])) / abs(float(a["total"])) for a, b in zip(rows[0][:steps], rows[1][:steps]))
print(f"distill losses, first {steps} steps, max_abs_diff cpu vs gpu: "
      + " ".join(f"{c}={worst[c]:.3e}" for c in columns) + f" total_max_rel_diff={rel:.3e}")
for s in sorted({1, 10, 25, steps} & set(range(1, steps + 1))):
    print(f"  step {s}: total cpu={rows[0][s - 1]['total']} gpu={rows[1][s - 1]['total']}")
validation = [{r["step"]: r["validation"] for r in csv.DictReader(open(p)) if r["validation"] != ""} for p in sys.argv[3:5]]
both = [k for k in validation[0] if k in validation[1]]
print("validation cpu vs gpu: " + " ".join(f"step {k}: {validation[0][k]}/{validation[1][k]}" for k in both))
