"""The Python side of `d2llm bench train`: the same LoRA student step in transformers + PEFT on the same GPU:
the base model (fp32, transformers' default attention) with LoRA (rank r, alpha r, dropout 0.05) on the family's
projections, PMA pooling as d2llm's (one learned seed, multi-head attention scaled by sqrt(d), residual with the
seed, LayerNorm, ReLU feed-forward residual, LayerNorm), --batch queries and passages of random token ids of fixed
lengths, an in-batch softmax over cosines at temperature 0.05, backward, AdamW (betas 0.8/0.999, eps 1e-6,
weight decay 0.01) on LoRA and PMA. Without PEFT installed, LoRA is the same math in a few lines (said in the output).
Usage: bench_train.py --model DIR [--batch 16 --query-length 32 --passage-length 224 --lora-rank 8 --pma-heads 32]"""
import argparse
import math
import statistics
import time

import torch
import transformers

ap = argparse.ArgumentParser()
ap.add_argument("--model", required=True)
ap.add_argument("--batch", type=int, default=16)
ap.add_argument("--query-length", type=int, default=32)
ap.add_argument("--passage-length", type=int, default=224)
ap.add_argument("--lora-rank", type=int, default=8)
ap.add_argument("--pma-heads", type=int, default=32)
ap.add_argument("--steps", type=int, default=20)
ap.add_argument("--warmup", type=int, default=3)
args = ap.parse_args()
dev = torch.device("cuda")
torch.manual_seed(0)

BERT = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
        "intermediate.dense", "output.dense"]
DECODER = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
model = transformers.AutoModel.from_pretrained(args.model, dtype=torch.float32)
targets = BERT if model.config.model_type == "bert" else DECODER
if model.config.model_type == "bert":
    model.pooler = None  # d2llm's student reads the token states only


class Lora(torch.nn.Module):
    def __init__(self, base, r):
        super().__init__()
        self.base = base
        self.a = torch.nn.Parameter(torch.empty(r, base.in_features))
        self.b = torch.nn.Parameter(torch.zeros(base.out_features, r))
        torch.nn.init.kaiming_uniform_(self.a, a=math.sqrt(5))
        self.drop = torch.nn.Dropout(0.05)

    def forward(self, x):
        return self.base(x) + self.drop(x) @ self.a.t() @ self.b.t()


try:
    import peft
    model = peft.get_peft_model(model, peft.LoraConfig(r=args.lora_rank, lora_alpha=args.lora_rank,
                                                       lora_dropout=0.05, target_modules=targets))
    lora_impl = f"peft-{peft.__version__}"
except ImportError:
    for p in model.parameters():
        p.requires_grad_(False)
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            full = f"{name}.{child_name}" if name else child_name
            if isinstance(child, torch.nn.Linear) and any(full == t or full.endswith("." + t) for t in targets):
                setattr(module, child_name, Lora(child, args.lora_rank))
    lora_impl = "hand-written (no peft installed)"
model.to(dev).train()


class Pma(torch.nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.d, self.h = d, h
        self.seed = torch.nn.Parameter(torch.empty(1, 1, d))
        torch.nn.init.xavier_uniform_(self.seed)
        self.q, self.k, self.v, self.o = (torch.nn.Linear(d, d) for _ in range(4))
        self.ln0, self.ln1 = torch.nn.LayerNorm(d, eps=1e-5), torch.nn.LayerNorm(d, eps=1e-5)

    def forward(self, hidden, mask):
        b, t, d = hidden.shape
        dh = d // self.h
        q = self.q(self.seed).view(1, 1, self.h, dh).transpose(1, 2)
        k = self.k(hidden).view(b, t, self.h, dh).transpose(1, 2)
        v = self.v(hidden).view(b, t, self.h, dh).transpose(1, 2)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + (1 - mask[:, None, None, :].float()) * -1e9
        out = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, 1, d) + self.seed
        out = self.ln0(out)
        out = out + torch.relu(self.o(out))
        return self.ln1(out)[:, 0]


d = model.config.hidden_size
pma = Pma(d, args.pma_heads).to(dev)
params = [p for p in model.parameters() if p.requires_grad] + list(pma.parameters())
opt = torch.optim.AdamW(params, lr=1e-4, betas=(0.8, 0.999), eps=1e-6, weight_decay=0.01)
vocab = model.config.vocab_size


def encode(length):
    ids = torch.randint(0, vocab, (args.batch, length), device=dev)
    mask = torch.ones_like(ids)
    hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
    return torch.nn.functional.normalize(pma(hidden, mask), dim=-1)


torch.cuda.reset_peak_memory_stats()
seconds, loss = [], None
for step in range(args.warmup + args.steps):
    torch.cuda.synchronize()
    start = time.perf_counter()
    q, p = encode(args.query_length), encode(args.passage_length)
    logits = q @ p.t() / 0.05
    loss = torch.nn.functional.cross_entropy(logits, torch.arange(args.batch, device=dev))
    loss.backward()
    opt.step()
    opt.zero_grad(set_to_none=True)
    value = loss.item()
    if step >= args.warmup:
        seconds.append(time.perf_counter() - start)
median = statistics.median(seconds)
tokens = args.batch * (args.query_length + args.passage_length)
print(f"py_train model={model.config.model_type} batch={args.batch} query_length={args.query_length}"
      f" passage_length={args.passage_length} lora_rank={args.lora_rank} lora={lora_impl}"
      f" trainable={sum(p.numel() for p in params)} median_step_s={median:.4f} steps_per_s={1 / median:.2f}"
      f" tokens_per_s={tokens / median:.0f} last_loss={value:.4f}"
      f" peak_alloc_mib={torch.cuda.max_memory_allocated() / 2**20:.0f} gpu={torch.cuda.get_device_name()}")
