#!/usr/bin/env python3
"""Generate tiny, randomly initialised Hugging Face model fixtures for d2llm's tests.

What it makes (under --out, normally unpacked into src/test/resources/models/):

  tiny-qwen2/   Qwen2ForCausalLM  hidden 64, inter 128, 2 layers, 4 heads / 2 kv heads (GQA),
                QKV bias, tied embeddings, rope_theta 10000, rms_norm_eps 1e-6, max pos 128.
  tiny-llama/   LlamaForCausalLM, Llama-3 style: untied lm_head, rope_theta 500000 with "llama3"
                rope scaling (factor 8, low 1, high 4, original_max_position_embeddings 64 — with
                head_dim 16 this puts frequency 0 in the "keep" band, frequency 1 in the smoothed
                band and frequencies 2..7 in the "divide by factor" band, so every branch is hit).
  tiny-qwen3/   Qwen3ForCausalLM with q/k RMSNorm and an explicit head_dim 32 (!= 64/4), untied,
                saved SHARDED (model-0000N-of-0000M.safetensors + model.safetensors.index.json).
  tiny-bert/    BertModel (no pooler), hidden 64, 2 layers, 4 heads, inter 128, gelu, max pos 64,
                type vocab 2, plus onnx/model.onnx exported by the classic TorchScript exporter
                (torch.onnx.export(..., dynamo=False, opset_version=14)).

Each directory holds config.json + safetensors weights (save_pretrained, float32), tokenizer.json
(+ a minimal tokenizer_config.json), reference.safetensors and reference.json.

Tokenizers are trained here with the `tokenizers` library on ~40 short sentences embedded below:
  * decoders share one byte-level BPE (GPT-2 style ByteLevel pre-tokenizer, vocab 300,
    special token "<|endoftext|>" = id 0 used as pad/eos/bos; no post-processor, so no BOS is added);
  * BERT uses a lower-casing WordPiece (BertNormalizer + BertPreTokenizer + BertProcessing:
    [CLS] ... [SEP]; [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4).

Weights are random but deliberately NOT the HF default init (std 0.02, unit norms, zero biases),
which would make attention nearly uniform and hide bugs: linear weights ~ N(0, 1/fan_in),
embeddings ~ N(0, 1), norm weights ~ 1 + N(0, 0.1), biases ~ N(0, 0.1).

reference.safetensors (float32 / int64), per model, for a batch of 3 texts (short, long ~14 tokens,
medium) padded two ways ("right." and "left." prefixes):
  input_ids, attention_mask, position_ids, hidden_states, logits (decoders only),
  hidden_states_bf16 (decoders, right batch only: model.to(bfloat16), outputs cast to float32),
  token_type_ids (BERT only).
Decoders are run with an explicit attention_mask and position_ids = (mask.cumsum(-1)-1).clamp(min=0);
hidden_states is model.model(...).last_hidden_state (after the final norm), logits = lm_head(hidden).
BERT: position ids are the model's own 0..L-1 (stored as such), so its left-padded batch is NOT
expected to match the right-padded one.  All inference: CPU, float32, eager attention, seeded.

This script is run ONCE and its outputs are committed; tests never run it.  The build machine has no
torch, so it is run through the device tool, e.g.

  PYTHONUNBUFFERED=1 python3 scripts/make_tiny_fixtures.py --out /tmp/fx \
      && tar czf $OUT/fixtures.tgz -C /tmp/fx .

and the tarball is unpacked into src/test/resources/models/.
Needs: torch, transformers (written against 5.x, works with 4.4x config formats too), tokenizers,
safetensors, onnx, onnxruntime.
"""
import argparse
import collections
import inspect
import json
import math
import os
import random
import sys
import types

import torch

torch.set_default_dtype(torch.float32)

SENTENCES = [
    "The cat sat on the mat.",
    "A quick brown fox jumps over the lazy dog.",
    "I like green tea.",
    "She reads a book every night before she goes to sleep.",
    "The weather is nice today.",
    "We walked along the river and watched the boats go by slowly.",
    "Open the window, please.",
    "Bread and butter make a simple breakfast.",
    "My brother plays the guitar in a small band on weekends.",
    "Rain fell all day.",
    "The children built a sandcastle near the water.",
    "He forgot his keys at the office again this morning.",
    "Birds sing early.",
    "The old library has thousands of books about history and science.",
    "Please pass the salt.",
    "Our train leaves at seven in the evening.",
    "The garden is full of red and yellow flowers in the summer.",
    "Coffee smells great.",
    "They painted the fence white last spring.",
    "A small dog barked at the mail carrier from behind the gate.",
    "Turn left at the bridge.",
    "The teacher explained the lesson twice so everyone could follow it.",
    "Snow covered the hills.",
    "She bought fresh apples and pears at the market.",
    "The computer restarted after the update finished.",
    "Music fills the quiet room.",
    "We should meet for lunch next week if you have time.",
    "The moon is bright tonight.",
    "He runs five miles every morning.",
    "Lights flickered during the storm, and then the power went out completely.",
    "Dinner is ready.",
    "The museum opens at nine on Sundays.",
    "Two friends shared a pizza and talked for hours.",
    "Water boils at one hundred degrees.",
    "The map shows every road in the valley.",
    "Cold wind blew through the streets of the town.",
    "I will call you tomorrow.",
    "The baker wakes up at four to prepare the bread for the shop.",
    "Stars appear after sunset.",
    "This is a test of the tiny tokenizer.",
]

# Texts used for references: (short, long, medium) — the long/medium ones are cut word-by-word to
# reach the target token count with each model's own tokenizer (see pick_texts).
TEXT_SOURCES = [
    ("Hello world again", 3),
    ("The quick brown cat reads old books about the river, the bridge, the garden and the town "
     "every single evening", 14),
    ("Birds sing over the quiet garden at night while we sleep", 8),
]

DEC_SPECIAL = "<|endoftext|>"


def log(*a):
    print(*a, flush=True)


# ----------------------------------------------------------------------------------------------
# tokenizers
# ----------------------------------------------------------------------------------------------
def build_bpe():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300, min_frequency=1, special_tokens=[DEC_SPECIAL],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(SENTENCES, trainer)
    return tok


def build_wordpiece():
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True, clean_text=True, handle_chinese_chars=True,
                                                strip_accents=None)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(
        vocab_size=300, min_frequency=1, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
        continuing_subword_prefix="##", show_progress=False)
    tok.train_from_iterator(SENTENCES, trainer)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.BertProcessing(("[SEP]", sep_id), ("[CLS]", cls_id))
    tok.decoder = decoders.WordPiece(prefix="##")
    for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]):
        assert tok.token_to_id(t) == i, (t, tok.token_to_id(t))
    return tok


def save_tokenizer(tok, d, cfg_extra):
    tok.save(os.path.join(d, "tokenizer.json"))
    tc = {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 128}
    tc.update(cfg_extra)
    with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
        json.dump(tc, f, indent=2)
    # optional cross-check: transformers loads it and encodes identically
    try:
        from transformers import AutoTokenizer
        hf = AutoTokenizer.from_pretrained(d)
        s = SENTENCES[3]
        a = tok.encode(s).ids
        b = hf(s)["input_ids"]
        log(f"  [{os.path.basename(d)}] AutoTokenizer reload: {type(hf).__name__}, same ids: {a == b}, "
            f"pad_token_id={hf.pad_token_id}")
    except Exception as e:  # noqa
        log(f"  [{os.path.basename(d)}] AutoTokenizer reload failed (harmless): {e!r}")


def pick_texts(tok, add_special):
    texts = []
    for src, target in TEXT_SOURCES:
        words = src.split()
        chosen = words[0]
        for k in range(1, len(words) + 1):
            chosen = " ".join(words[:k])
            if len(tok.encode(chosen, add_special_tokens=add_special).ids) >= target:
                break
        texts.append(chosen)
    return texts


def pad_batch(seqs, pad_id, side):
    L = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), L), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), L), dtype=torch.long)
    for i, s in enumerate(seqs):
        n = len(s)
        if side == "right":
            ids[i, :n] = torch.tensor(s)
            mask[i, :n] = 1
        else:
            ids[i, L - n:] = torch.tensor(s)
            mask[i, L - n:] = 1
    return ids, mask


# ----------------------------------------------------------------------------------------------
# models
# ----------------------------------------------------------------------------------------------
def rope_kwargs(cfg_cls, theta, scaling=None):
    params = inspect.signature(cfg_cls.__init__).parameters
    if "rope_parameters" in params:
        rp = {"rope_type": "default", "rope_theta": float(theta)}
        if scaling:
            rp.update(scaling)
        return {"rope_parameters": rp}
    kw = {"rope_theta": float(theta)}
    if scaling:
        kw["rope_scaling"] = dict(scaling)
    return kw


def set_eager(model):
    try:
        model.set_attn_implementation("eager")
    except Exception as e:  # noqa
        log(f"  set_attn_implementation failed ({e!r}); setting config._attn_implementation")
        model.config._attn_implementation = "eager"
    log(f"  attn implementation: {getattr(model.config, '_attn_implementation', '?')}")


def randomize(model):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 2 and "embed" in name:
                std = 1.0 if ("word_embeddings" in name or "embed_tokens" in name) else 0.5
                p.normal_(0.0, std)
            elif p.dim() == 2:
                p.normal_(0.0, 1.0 / math.sqrt(p.shape[1]))
            elif name.endswith("bias"):
                p.normal_(0.0, 0.1)
            elif p.dim() == 1:
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
            else:
                raise RuntimeError(f"unexpected parameter {name} {tuple(p.shape)}")


def make_model(model_cls, cfg):
    try:
        m = model_cls._from_config(cfg, attn_implementation="eager")
    except Exception as e:  # noqa
        log(f"  _from_config(attn_implementation=eager) failed ({e!r}); using the constructor")
        m = model_cls(cfg)
    set_eager(m)
    randomize(m)
    m.eval()
    return m


def expected_llama3_inv_freq(theta, dim, factor, low, high, old_len):
    inv = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    low_wl, high_wl = old_len / low, old_len / high
    wl = 2 * math.pi / inv
    out = torch.where(wl > low_wl, inv / factor, inv)
    smooth = (old_len / wl - low) / (high - low)
    smoothed = (1 - smooth) * out / factor + smooth * out
    medium = ~(wl < high_wl) & ~(wl > low_wl)
    out = torch.where(medium, smoothed, out)
    bands = ["keep" if w < high_wl else ("scale" if w > low_wl else "smooth") for w in wl.tolist()]
    return out, bands


def dump_config(d):
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    log(f"  config.json: {json.dumps(cfg, sort_keys=True)}")


def decoder_refs(model, tok, d, name, pad_id):
    texts = pick_texts(tok, add_special=False)
    seqs = [tok.encode(t, add_special_tokens=False).ids for t in texts]
    log(f"  texts: {texts}")
    log(f"  token counts: {[len(s) for s in seqs]}")
    ref = {}
    hs = {}
    with torch.no_grad():
        for side in ("right", "left"):
            ids, mask = pad_batch(seqs, pad_id, side)
            pos = (mask.cumsum(-1) - 1).clamp(min=0)
            out = model.model(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=False)
            h = out.last_hidden_state.float().contiguous()
            logits = model.lm_head(h).float().contiguous()
            assert torch.isfinite(h).all() and torch.isfinite(logits).all(), f"{name} {side} non-finite"
            ref[f"{side}.input_ids"] = ids.contiguous()
            ref[f"{side}.attention_mask"] = mask.contiguous()
            ref[f"{side}.position_ids"] = pos.contiguous()
            ref[f"{side}.hidden_states"] = h
            ref[f"{side}.logits"] = logits
            hs[side] = (h, logits, mask)
        # full-forward cross check: model(...) logits == lm_head(model.model(...))
        ids, mask = pad_batch(seqs, pad_id, "right")
        pos = (mask.cumsum(-1) - 1).clamp(min=0)
        full = model(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=False).logits
        log(f"  max |model().logits - lm_head(hidden)| (right): "
            f"{(full.float() - ref['right.logits']).abs().max().item():.3e}")
    L = ref["right.input_ids"].shape[1]
    dmax_h, dmax_l = 0.0, 0.0
    for i, s in enumerate(seqs):
        n = len(s)
        dmax_h = max(dmax_h, (hs["right"][0][i, :n] - hs["left"][0][i, L - n:]).abs().max().item())
        dmax_l = max(dmax_l, (hs["right"][1][i, :n] - hs["left"][1][i, L - n:]).abs().max().item())
    log(f"  SANITY {name}: max |left - right| over real tokens: hidden {dmax_h:.3e}, logits {dmax_l:.3e}; "
        f"hidden abs max {hs['right'][0].abs().max().item():.3f}, logits abs max {hs['right'][1].abs().max().item():.3f}")
    # bf16 run (model is cast in place; weights were already saved in float32)
    model.to(torch.bfloat16)
    with torch.no_grad():
        ids, mask = ref["right.input_ids"], ref["right.attention_mask"]
        out = model.model(input_ids=ids, attention_mask=mask, position_ids=ref["right.position_ids"],
                          use_cache=False)
        hb = out.last_hidden_state.float().contiguous()
    real = mask.bool()
    log(f"  SANITY {name}: bf16 vs f32 hidden max abs diff over real tokens: "
        f"{(hb - ref['right.hidden_states'])[real].abs().max().item():.3e}")
    ref["right.hidden_states_bf16"] = hb
    model.to(torch.float32)
    notes = (f"Decoder reference. Tokenized with tokenizer.json, add_special_tokens=False (no BOS/EOS added). "
             f"pad id {pad_id} ('{DEC_SPECIAL}'). position_ids = (attention_mask.cumsum(-1)-1).clamp(min=0). "
             f"hidden_states = model.model(input_ids, attention_mask, position_ids).last_hidden_state "
             f"(after final norm); logits = lm_head(hidden_states) at every position (pad positions included, "
             f"values there are meaningless). hidden_states_bf16: same model cast to bfloat16, right batch, "
             f"cast back to float32. CPU, float32, eager attention.")
    write_refs(d, ref, texts, seqs, notes, pad_id, add_special=False)


def write_refs(d, ref, texts, seqs, notes, pad_id, add_special):
    from safetensors.torch import save_file
    save_file({k: v.contiguous() for k, v in ref.items()}, os.path.join(d, "reference.safetensors"))
    meta = {"texts": texts, "token_ids": seqs, "token_counts": [len(s) for s in seqs], "pad_id": pad_id,
            "add_special_tokens": add_special, "tensors": {k: [str(v.dtype).replace("torch.", ""), list(v.shape)]
                                                           for k, v in sorted(ref.items())},
            "notes": notes}
    with open(os.path.join(d, "reference.json"), "w") as f:
        json.dump(meta, f, indent=2)
    log(f"  reference tensors: {sorted(ref.keys())}")


def make_qwen2(out, tok):
    from transformers import Qwen2Config, Qwen2ForCausalLM
    d = os.path.join(out, "tiny-qwen2")
    os.makedirs(d, exist_ok=True)
    torch.manual_seed(1001)
    pad = tok.token_to_id(DEC_SPECIAL)
    cfg = Qwen2Config(vocab_size=tok.get_vocab_size(), hidden_size=64, intermediate_size=128,
                      num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                      max_position_embeddings=128, rms_norm_eps=1e-6, tie_word_embeddings=True,
                      use_sliding_window=False, hidden_act="silu", bos_token_id=pad, eos_token_id=pad,
                      pad_token_id=pad, **rope_kwargs(Qwen2Config, 10000.0))
    m = make_model(Qwen2ForCausalLM, cfg)
    assert m.lm_head.weight.data_ptr() == m.model.embed_tokens.weight.data_ptr(), "not tied"
    assert m.model.layers[0].self_attn.q_proj.bias is not None
    m.save_pretrained(d, safe_serialization=True)
    dump_config(d)
    save_tokenizer(tok, d, {"eos_token": DEC_SPECIAL, "pad_token": DEC_SPECIAL, "bos_token": None,
                            "unk_token": None, "add_bos_token": False})
    decoder_refs(m, tok, d, "tiny-qwen2", pad)


def make_llama(out, tok):
    from transformers import LlamaConfig, LlamaForCausalLM
    d = os.path.join(out, "tiny-llama")
    os.makedirs(d, exist_ok=True)
    torch.manual_seed(1002)
    pad = tok.token_to_id(DEC_SPECIAL)
    scaling = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
               "original_max_position_embeddings": 64}
    cfg = LlamaConfig(vocab_size=tok.get_vocab_size(), hidden_size=64, intermediate_size=128,
                      num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                      max_position_embeddings=128, rms_norm_eps=1e-5, tie_word_embeddings=False,
                      attention_bias=False, mlp_bias=False, hidden_act="silu", bos_token_id=pad,
                      eos_token_id=pad, pad_token_id=pad, **rope_kwargs(LlamaConfig, 500000.0, scaling))
    m = make_model(LlamaForCausalLM, cfg)
    assert m.lm_head.weight.data_ptr() != m.model.embed_tokens.weight.data_ptr(), "tied"
    try:
        exp, bands = expected_llama3_inv_freq(500000.0, 16, 8.0, 1.0, 4.0, 64)
        got = m.model.rotary_emb.inv_freq.float()
        log(f"  llama3 inv_freq bands: {bands}")
        log(f"  llama3 inv_freq model:    {got.tolist()}")
        log(f"  llama3 inv_freq expected: {exp.tolist()}  max rel diff "
            f"{((got - exp).abs() / exp).max().item():.3e}; attention_scaling "
            f"{getattr(m.model.rotary_emb, 'attention_scaling', '?')}")
    except Exception as e:  # noqa
        log(f"  llama3 inv_freq check failed: {e!r}")
    m.save_pretrained(d, safe_serialization=True)
    dump_config(d)
    save_tokenizer(tok, d, {"eos_token": DEC_SPECIAL, "pad_token": DEC_SPECIAL, "bos_token": None,
                            "unk_token": None, "add_bos_token": False})
    decoder_refs(m, tok, d, "tiny-llama", pad)


def make_qwen3(out, tok):
    from transformers import Qwen3Config, Qwen3ForCausalLM
    d = os.path.join(out, "tiny-qwen3")
    os.makedirs(d, exist_ok=True)
    torch.manual_seed(1003)
    pad = tok.token_to_id(DEC_SPECIAL)
    cfg = Qwen3Config(vocab_size=tok.get_vocab_size(), hidden_size=64, intermediate_size=128,
                      num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=32,
                      max_position_embeddings=128, rms_norm_eps=1e-6, tie_word_embeddings=False,
                      attention_bias=False, use_sliding_window=False, hidden_act="silu",
                      bos_token_id=pad, eos_token_id=pad, pad_token_id=pad,
                      **rope_kwargs(Qwen3Config, 1000000.0))
    m = make_model(Qwen3ForCausalLM, cfg)
    a = m.model.layers[0].self_attn
    log(f"  qwen3 q_proj {tuple(a.q_proj.weight.shape)} k_proj {tuple(a.k_proj.weight.shape)} "
        f"o_proj {tuple(a.o_proj.weight.shape)} q_norm {tuple(a.q_norm.weight.shape)} "
        f"inv_freq len {m.model.rotary_emb.inv_freq.numel()}")
    assert tuple(a.q_proj.weight.shape) == (128, 64) and tuple(a.q_norm.weight.shape) == (32,)
    m.save_pretrained(d, safe_serialization=True, max_shard_size="200KB")
    files = sorted(os.listdir(d))
    log(f"  qwen3 files: {files}")
    assert "model.safetensors.index.json" in files, "not sharded"
    with open(os.path.join(d, "model.safetensors.index.json")) as f:
        idx = json.load(f)
    log(f"  qwen3 shards: {sorted(set(idx['weight_map'].values()))}")
    dump_config(d)
    save_tokenizer(tok, d, {"eos_token": DEC_SPECIAL, "pad_token": DEC_SPECIAL, "bos_token": None,
                            "unk_token": None, "add_bos_token": False})
    decoder_refs(m, tok, d, "tiny-qwen3", pad)


def make_bert(out, tok):
    from transformers import BertConfig, BertModel
    d = os.path.join(out, "tiny-bert")
    os.makedirs(d, exist_ok=True)
    torch.manual_seed(1004)
    cfg = BertConfig(vocab_size=tok.get_vocab_size(), hidden_size=64, num_hidden_layers=2,
                     num_attention_heads=4, intermediate_size=128, max_position_embeddings=64,
                     type_vocab_size=2, hidden_act="gelu", layer_norm_eps=1e-12, pad_token_id=0)
    m = BertModel(cfg, add_pooling_layer=False)
    set_eager(m)
    randomize(m)
    m.eval()
    m.save_pretrained(d, safe_serialization=True)
    dump_config(d)
    save_tokenizer(tok, d, {"cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]",
                            "unk_token": "[UNK]", "mask_token": "[MASK]", "do_lower_case": True})
    texts = pick_texts(tok, add_special=True)
    seqs = [tok.encode(t, add_special_tokens=True).ids for t in texts]
    log(f"  texts: {texts}")
    log(f"  token counts (incl. [CLS]/[SEP]): {[len(s) for s in seqs]}; first: {tok.encode(texts[0]).tokens}")
    ref = {}
    with torch.no_grad():
        for side in ("right", "left"):
            ids, mask = pad_batch(seqs, 0, side)
            tt = torch.zeros_like(ids)
            pos = torch.arange(ids.shape[1], dtype=torch.long).unsqueeze(0).expand_as(ids).contiguous()
            h = m(input_ids=ids, attention_mask=mask, token_type_ids=tt).last_hidden_state.float().contiguous()
            assert torch.isfinite(h).all()
            ref[f"{side}.input_ids"] = ids
            ref[f"{side}.attention_mask"] = mask
            ref[f"{side}.token_type_ids"] = tt
            ref[f"{side}.position_ids"] = pos
            ref[f"{side}.hidden_states"] = h
    L = ref["right.input_ids"].shape[1]
    dm = 0.0
    for i, s in enumerate(seqs):
        n = len(s)
        dm = max(dm, (ref["right.hidden_states"][i, :n] - ref["left.hidden_states"][i, L - n:]).abs().max().item())
    log(f"  SANITY tiny-bert: max |left - right| over real tokens = {dm:.3e} (NOT expected to be small: "
        f"BERT uses absolute positions 0..L-1); hidden abs max {ref['right.hidden_states'].abs().max().item():.3f}")
    # single-sequence (unpadded) check against the right batch
    with torch.no_grad():
        ids0 = torch.tensor([seqs[0]])
        h0 = m(input_ids=ids0, attention_mask=torch.ones_like(ids0), token_type_ids=torch.zeros_like(ids0)).last_hidden_state
    log(f"  SANITY tiny-bert: unpadded row0 vs right batch row0 = "
        f"{(h0[0] - ref['right.hidden_states'][0, :len(seqs[0])]).abs().max().item():.3e}")
    notes = ("BERT reference. Tokenized with tokenizer.json, add_special_tokens=True ([CLS] ... [SEP]). pad id 0 "
             "([PAD]). token_type_ids all 0. position_ids stored are the model's implicit 0..L-1 (not derived "
             "from the mask), so left.* differs from right.* on real tokens; right.* is the one to test. "
             "hidden_states = BertModel(...).last_hidden_state (no pooler). CPU, float32, eager attention.")
    write_refs(d, ref, texts, seqs, notes, 0, add_special=True)
    try:
        export_onnx(m, d, ref)
    except Exception as e:  # noqa
        import traceback
        traceback.print_exc()
        log(f"  !! ONNX export step failed: {e!r}")


def export_onnx(m, d, ref):
    import onnx
    od = os.path.join(d, "onnx")
    os.makedirs(od, exist_ok=True)
    path = os.path.join(od, "model.onnx")
    ids, mask, tt = ref["right.input_ids"], ref["right.attention_mask"], ref["right.token_type_ids"]
    sig = list(inspect.signature(m.forward).parameters)
    log(f"  BertModel.forward params: {sig[:5]}")
    if sig[:3] != ["input_ids", "attention_mask", "token_type_ids"]:
        log("  !! BertModel.forward positional order is not input_ids, attention_mask, token_type_ids")
        return
    dyn = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
           "token_type_ids": {0: "batch", 1: "sequence"}, "last_hidden_state": {0: "batch", 1: "sequence"}}
    names = dict(input_names=["input_ids", "attention_mask", "token_type_ids"],
                 output_names=["last_hidden_state"])
    how = None
    import traceback
    # 1) classic TorchScript exporter on the BertModel itself, so node scopes are "/encoder/layer.0/...".
    #    transformers 5's forward decorators break positional tracing ("multiple values for argument
    #    'use_cache'"), so the instance's forward is replaced by a keyword-only call returning the tensor.
    cls_forward = type(m).forward

    def kw_forward(self, input_ids, attention_mask, token_type_ids):
        return cls_forward(self, input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids, return_dict=True).last_hidden_state

    m.forward = types.MethodType(kw_forward, m)
    try:
        torch.onnx.export(m, (ids, mask, tt), path, dynamo=False, opset_version=14, dynamic_axes=dyn,
                          do_constant_folding=True, **names)
        how = "torch.onnx.export(dynamo=False, opset_version=14) on BertModel with a keyword-only forward"
    except Exception as e:  # noqa
        log(f"  !! classic exporter (dynamo=False) FAILED: {e!r}")
        traceback.print_exc()
    finally:
        del m.forward  # back to the class method
    if how is None:
        try:
            b, s = torch.export.Dim("batch"), torch.export.Dim("sequence")
            ds = {"input_ids": {0: b, 1: s}, "attention_mask": {0: b, 1: s}, "token_type_ids": {0: b, 1: s}}
            torch.onnx.export(m, (ids, mask, tt), path, dynamo=True, opset_version=18,
                              dynamic_shapes=ds, external_data=False, **names)
            how = "FALLBACK torch.onnx.export(dynamo=True, opset_version=18)"
        except Exception as e2:  # noqa
            log(f"  !! dynamo exporter FAILED too: {e2!r}")
            traceback.print_exc()
            return
    log(f"  ONNX exported with {how}")
    mo = onnx.load(path)
    g = mo.graph
    log(f"  ONNX opset: {[(o.domain, o.version) for o in mo.opset_import]}; inputs "
        f"{[i.name for i in g.input]}; outputs {[o.name for o in g.output]}")
    inits = list(g.initializer)
    log(f"  ONNX initializers ({len(inits)}), first 30:")
    for t in inits[:30]:
        log(f"    {t.name} {list(t.dims)}")
    log(f"  ONNX all initializer names: {[t.name for t in inits]}")
    log(f"  ONNX op type counts: {dict(collections.Counter(n.op_type for n in g.node))}")
    mm = [n for n in g.node if n.op_type in ("MatMul", "Gemm")]
    for n in mm[:8]:
        log(f"    {n.op_type} node {n.name!r} inputs {list(n.input)} outputs {list(n.output)}")
    consumers = collections.defaultdict(list)
    for n in g.node:
        for i in n.input:
            consumers[i].append(n)
    for n in mm[:3]:
        for c in consumers[n.output[0]]:
            log(f"      -> {c.op_type} {c.name!r} inputs {list(c.input)}")
    try:
        import onnxruntime as ort
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        for side in ("right", "left"):
            o = sess.run(["last_hidden_state"], {"input_ids": ref[f"{side}.input_ids"].numpy(),
                                                 "attention_mask": ref[f"{side}.attention_mask"].numpy(),
                                                 "token_type_ids": ref[f"{side}.token_type_ids"].numpy()})[0]
            diff = abs(torch.from_numpy(o) - ref[f"{side}.hidden_states"]).max().item()
            log(f"  SANITY tiny-bert ONNX vs torch ({side}): max abs diff {diff:.3e}")
        o = sess.run(["last_hidden_state"], {"input_ids": ref["right.input_ids"][:1, :5].numpy(),
                                             "attention_mask": ref["right.attention_mask"][:1, :5].numpy(),
                                             "token_type_ids": ref["right.token_type_ids"][:1, :5].numpy()})[0]
        log(f"  ONNX dynamic-shape run [1,5] -> {list(o.shape)}")
    except Exception as e:  # noqa
        log(f"  onnxruntime check failed: {e!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    random.seed(0)
    torch.manual_seed(0)
    torch.set_num_threads(min(8, os.cpu_count() or 1))
    import transformers
    import tokenizers
    log(f"python {sys.version.split()[0]} torch {torch.__version__} transformers {transformers.__version__} "
        f"tokenizers {tokenizers.__version__}")
    os.makedirs(args.out, exist_ok=True)
    failed = []
    bpe = build_bpe()
    wp = build_wordpiece()
    log(f"BPE vocab {bpe.get_vocab_size()}, pad/eos '{DEC_SPECIAL}' id {bpe.token_to_id(DEC_SPECIAL)}; "
        f"sample: {bpe.encode(SENTENCES[1]).tokens}")
    log(f"WordPiece vocab {wp.get_vocab_size()}; sample: {wp.encode(SENTENCES[1]).tokens}")
    for name, fn, tok in (("tiny-qwen2", make_qwen2, bpe), ("tiny-llama", make_llama, bpe),
                          ("tiny-qwen3", make_qwen3, bpe), ("tiny-bert", make_bert, wp)):
        log(f"=== {name}")
        try:
            fn(args.out, tok)
        except Exception as e:  # noqa
            import traceback
            traceback.print_exc()
            failed.append(name)
            log(f"!! {name} FAILED: {e!r}")
    log("=== files")
    total = 0
    for root, _, files in sorted(os.walk(args.out)):
        for f in sorted(files):
            p = os.path.join(root, f)
            sz = os.path.getsize(p)
            total += sz
            log(f"  {sz:>9}  {os.path.relpath(p, args.out)}")
    log(f"  total {total} bytes")
    if failed:
        log(f"FAILED: {failed}")
        sys.exit(1)


if __name__ == "__main__":
    main()
