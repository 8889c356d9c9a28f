"""The Python side of `d2llm bench teacher`: the same teacher in plain transformers + PyTorch on the same GPU,
over the token ids d2llm ran on (--dump-ids), batched by the same rule (sorted by length, rows bounded by a token
budget and a row cap, as d2llm's LengthBatcher), fp32. Prints scoring pairs/s (median of REPEATS passes after a
warm-up) and, for a cross-encoder with --train-steps, training pairs/s (BCE, AdamW lr 2e-5, clipping at 1, batch
--batch drawn from the same rows). transformers picks its default attention (SDPA).
Usage: bench_teacher.py --teacher DIR --ids FILE --kind cross|llm [--budget 4096 --rows 128] [--train-steps N]"""
import argparse
import random
import statistics
import time

import torch
import transformers

ap = argparse.ArgumentParser()
ap.add_argument("--teacher", required=True)
ap.add_argument("--ids", required=True)
ap.add_argument("--kind", required=True, choices=["cross", "llm"])
ap.add_argument("--budget", type=int, default=4096)
ap.add_argument("--rows", type=int, default=128)
ap.add_argument("--repeats", type=int, default=3)
ap.add_argument("--train-steps", type=int, default=0)
ap.add_argument("--warmup-steps", type=int, default=5)
ap.add_argument("--batch", type=int, default=32)
args = ap.parse_args()

rows, types = [], []
for line in open(args.ids, encoding="utf-8"):
    parts = line.strip().split("|")
    rows.append([int(x) for x in parts[0].split()])
    types.append([int(x) for x in parts[1].split()] if len(parts) > 1 else None)
tokens = sum(len(r) for r in rows)
dev = torch.device("cuda")


def batches(lengths):
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    out, start = [], 0
    while start < len(order):
        n = max(1, min(args.rows, args.budget // max(1, lengths[order[start]])))
        out.append(order[start:start + n])
        start += n
    return out


def pad(idx, left):
    width = max(len(rows[i]) for i in idx)
    ids = torch.zeros(len(idx), width, dtype=torch.long)
    mask = torch.zeros(len(idx), width, dtype=torch.long)
    tt = torch.zeros(len(idx), width, dtype=torch.long)
    for r, i in enumerate(idx):
        n = len(rows[i])
        sl = slice(width - n, width) if left else slice(0, n)
        ids[r, sl] = torch.tensor(rows[i])
        mask[r, sl] = 1
        if types[i] is not None:
            tt[r, sl] = torch.tensor(types[i])
    return ids.to(dev), mask.to(dev), tt.to(dev)


if args.kind == "cross":
    model = transformers.AutoModelForSequenceClassification.from_pretrained(args.teacher, num_labels=1).to(dev)
else:
    model = transformers.AutoModelForCausalLM.from_pretrained(args.teacher, dtype=torch.float32).to(dev)
plan = batches([len(r) for r in rows])


def score_pass():
    model.eval()
    out = []
    with torch.inference_mode():
        for idx in plan:
            if args.kind == "cross":
                ids, mask, tt = pad(idx, left=False)
                out.append(torch.sigmoid(model(input_ids=ids, attention_mask=mask, token_type_ids=tt).logits[:, 0]).cpu())
            else:
                ids, mask, _ = pad(idx, left=True)
                positions = (mask.cumsum(-1) - 1).clamp(min=0)
                hidden = model.model(input_ids=ids, attention_mask=mask, position_ids=positions).last_hidden_state[:, -1]
                logits = model.lm_head(hidden)
                out.append(torch.sigmoid(logits[:, 0] - logits[:, 1]).cpu())
                hidden.cpu()
    return out


torch.cuda.reset_peak_memory_stats()
score_pass()
seconds = []
for _ in range(args.repeats):
    torch.cuda.synchronize()
    start = time.perf_counter()
    score_pass()
    seconds.append(time.perf_counter() - start)
median = statistics.median(seconds)
print(f"py_teacher_score kind={args.kind} pairs={len(rows)} tokens={tokens} median_s={median:.3f}"
      f" pairs_per_s={len(rows) / median:.1f} tokens_per_s={tokens / median:.0f}"
      f" peak_alloc_mib={torch.cuda.max_memory_allocated() / 2**20:.0f} torch={torch.__version__}"
      f" transformers={transformers.__version__} attn={model.config._attn_implementation} gpu={torch.cuda.get_device_name()}")

if args.train_steps > 0:
    if args.kind != "cross":
        raise SystemExit("--train-steps needs --kind cross")
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-5, eps=1e-6, weight_decay=0.01)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    rng = random.Random(1)
    order = list(range(len(rows)))
    rng.shuffle(order)
    torch.cuda.reset_peak_memory_stats()
    timed_tokens, t0 = 0, None
    total = args.warmup_steps + args.train_steps
    for step in range(total):
        idx = [order[(step * args.batch + j) % len(order)] for j in range(args.batch)]
        ids, mask, tt = pad(idx, left=False)
        targets = torch.tensor([float(j % 2 == 0) for j in range(args.batch)], device=dev)
        loss = loss_fn(model(input_ids=ids, attention_mask=mask, token_type_ids=tt).logits[:, 0], targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss.item()
        if step == args.warmup_steps - 1:
            torch.cuda.synchronize()
            t0 = time.perf_counter()
        elif step >= args.warmup_steps:
            timed_tokens += sum(len(rows[i]) for i in idx)
    torch.cuda.synchronize()
    sec = time.perf_counter() - t0
    pairs = args.batch * args.train_steps
    print(f"py_teacher_train pairs={pairs} batch={args.batch} tokens={timed_tokens} seconds={sec:.3f}"
          f" pairs_per_s={pairs / sec:.1f} steps_per_s={args.train_steps / sec:.2f}"
          f" peak_alloc_mib={torch.cuda.max_memory_allocated() / 2**20:.0f}")
