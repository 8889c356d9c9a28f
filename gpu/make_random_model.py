"""Makes a model directory with random weights from a template of a real one's non-weight files (config,
tokenizer, sentence-transformers files); a config whose architecture is a causal LM gets the causal LM's weight
names (model.*), as Hub LLM checkpoints have them: the device machine cannot receive real weights of this size in one
call, and throughput does not depend on the weights' values. Usage: make_random_model.py TEMPLATE OUT [SEED]"""
import json
import os
import shutil
import sys

import torch
import transformers

template, out = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
shutil.copytree(template, out, dirs_exist_ok=True)
if not os.path.exists(os.path.join(out, "tokenizer_config.json")):
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump({"model_max_length": 512}, f)
torch.manual_seed(seed)
config = transformers.AutoConfig.from_pretrained(out)
causal = any(a.endswith("ForCausalLM") for a in (config.architectures or []))
model = (transformers.AutoModelForCausalLM if causal else transformers.AutoModel).from_config(config)
model.save_pretrained(out, safe_serialization=True)
print(f"random {config.model_type} model in {out}: {sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters")
