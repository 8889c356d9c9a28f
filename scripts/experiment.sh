#!/usr/bin/env bash
# One D2LLM experiment on ../shared/data: teacher on the train split, student distilled from it,
# everything evaluated on the dev split, results appended to docs/results/<name>.txt.
#
#   scripts/experiment.sh NAME
#
# NAME is one of the rows below. Each step skips what is already done (teacher dir, cache, run dir),
# so a crashed experiment is rerun with the same command. Environment: EPOCHS (5), BATCH (32),
# TEACHER_EPOCHS (3), RUNS (see the case below; default "biencoder d2llm residual plus plus-no-ci plus-no-ri
# plus-no-fi"), MAX_TRAIN (6000), NO_REPORT, D2LLM_DATA, D2LLM_MODELS,
# D2LLM_WORK, D2LLM_CLI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
data="${D2LLM_DATA:-$root/../shared/data}"
models="${D2LLM_MODELS:-$HOME/.cache/d2llm/models}"
work="${D2LLM_WORK:-$HOME/.cache/d2llm/experiments}"
# The CLI to run: a copy of the built one lets long experiments go on while the tree is rebuilt.
cli="${D2LLM_CLI:-$root/d2llm}"
name="${1:?usage: scripts/experiment.sh NAME (en-stsb, en-sickr, en-sicke, zh-stsb, zh-afqmc, zh-cmnli, en-msmarco)}"

# en/msmarco-5k has no training split: the zero-shot baseline and the shipped default student are
# evaluated on it as they are, nothing trained or tuned on it.
if [ "$name" = en-msmarco ]; then
  base=bge-small-en-v1.5
  set_dir="$data/en/msmarco-5k"
  report="docs/results/$name.txt"
  mkdir -p docs/results
  [ -f "$models/$base/model.safetensors" ] || $cli model pull "$base" --out "$models/$base"
  : > "$report"
  ir_row() { printf 'en/msmarco-5k\t%s\t%s\t%s\n' "$1" "$($cli eval "${@:2}" --data "$set_dir" --task ir | tail -1)" "$(date -u +%FT%TZ)" >> "$report"; }
  ir_row zero-shot-cosine --model "$models/$base" --scorer cosine
  # the shipped student as search serves it: two-stage (100 cosine candidates re-ranked), and the exact IEM scan
  ir_row default-two-stage --model default --scorer iem
  ir_row default-exact --model default --scorer iem --candidates 0
  cat "$report"
  exit 0
fi

# name: language base train-file dev-file eval-task [extra dev sets evaluated with the same models]
case "$name" in
  en-stsb)  lang=en; base=bge-small-en-v1.5; train=en/stsb/train.tsv;    dev=en/stsb/dev.tsv;   task=sts; extra=() ;;
  en-sickr) lang=en; base=bge-small-en-v1.5; train=en/sick-r/train.tsv;  dev=en/sick-r/dev.tsv; task=sts; extra=() ;;
  en-sicke) lang=en; base=bge-small-en-v1.5; train=en/sick-e/train.tsv;  dev=en/sick-e/dev.tsv; task=nli; extra=() ;;
  zh-stsb)  lang=zh; base=bge-small-zh-v1.5; train=zh/stsb/train.tsv;    dev=zh/stsb/dev.tsv;   task=sts; extra=() ;;
  zh-afqmc) lang=zh; base=bge-small-zh-v1.5; train=zh/afqmc/train.tsv;   dev=zh/afqmc/dev.tsv;  task=pair; extra=(zh/lcqmc/dev.tsv zh/pawsx/dev.tsv) ;;
  zh-cmnli) lang=zh; base=bge-small-zh-v1.5; train=zh/cmnli/train.tsv;   dev=zh/csnli/dev.tsv;  task=nli; extra=() ;;
  *) echo "experiment: unknown NAME '$name'" >&2; exit 2 ;;
esac
language=$([ "$lang" = zh ] && echo CHINESE || echo ENGLISH)
max_train="${MAX_TRAIN:-6000}"   # CPU budget: larger train splits are cut to this many pairs
out="$work/$name"
mkdir -p "$out" docs/results
[ -f "$models/$base/model.safetensors" ] || $cli model pull "$base" --out "$models/$base"

# The train split as it is, or at most MAX_TRAIN of its pairs drawn with a fixed seed (header kept).
trainset="$data/$train"
if [ "$(($(wc -l < "$data/$train") - 1))" -gt "$max_train" ]; then
  trainset="$out/train.tsv"
  if [ ! -f "$trainset" ]; then
    head -n 1 "$data/$train" > "$trainset"
    tail -n +2 "$data/$train" | shuf -n "$max_train" --random-source=<(yes 2023) >> "$trainset"
  fi
fi

[ -f "$out/teacher/model.safetensors" ] || $cli teacher train --base "$models/$base" \
  --train "$trainset" --dev "$data/$dev" --out "$out/teacher" --epochs "${TEACHER_EPOCHS:-3}"
[ -f "$out/examples.jsonl" ] || $cli mine --data "$trainset" --out "$out/examples.jsonl" --language "$language" --k 30

# Two starting points: the paper's student (its IEM from scratch) and the residual one (the
# backbone's zero-shot cosine, centred on the training pairs' cosines, plus the IEM's MLP from zero).
# The backbone stays frozen (CPU): the paper's student trains PMA and IEM on cached token states,
# the residual one its IEM alone on cached vectors (--freeze-pooling), its vectors staying the
# backbone's; the bi-encoder baseline trains the residual student's PMA gate and cosine scale.
init_student() { # dir, iem kind
  [ -f "$1/d2llm_student.json" ] && return 0
  if [ "$2" = residual ]; then
    $cli student init --base "bundled:$base" --out "$1" --lora-rank 0 --iem residual --calibrate "sym=$out/examples.jsonl"
  else
    $cli student init --base "bundled:$base" --out "$1" --lora-rank 0 --iem paper
  fi
}
distill() { # run-name, student (paper|residual), extra distill options
  local run="$1" kind="$2"; shift 2
  [ -f "$out/$run/best/d2llm_student.json" ] && return 0
  init_student "$out/student-$kind" "$kind"
  $cli distill --student "$out/student-$kind" --examples "$out/examples.jsonl" --teacher "$out/teacher" \
    --cache "$out/teacher.bin" --out "$out/$run" --dev "$data/$dev" \
    --epochs "${EPOCHS:-5}" --batch-size "${BATCH:-32}" --lr 1e-3 --warmup 100 --validate-every 25 --checkpoint-every 25 "$@"
}
runs="${RUNS:-biencoder d2llm residual plus plus-no-ci plus-no-ri plus-no-fi}"
for run in $runs; do
  case "$run" in
    # the paper's student and objective, and its ablations
    d2llm) distill d2llm paper --freeze-backbone ;;
    no-ci) distill no-ci paper --freeze-backbone --alpha 0 ;;
    no-ri) distill no-ri paper --freeze-backbone --beta 0 --gamma 0 ;;
    no-fi) distill no-fi paper --freeze-backbone --eta 0 ;;
    pi)    distill pi paper --freeze-backbone --pointwise 1 ;;   # + pointwise imitation (calibration across queries)
    # the fine-tuned bi-encoder baseline: gold labels only (in-batch + hard negatives), no teacher, no MLP
    biencoder) distill biencoder residual --freeze-backbone --bi-encoder ;;
    # the residual student: the paper's objective, then with our additions (gold hard negatives in the
    # in-batch softmax, pointwise imitation) and that objective's ablations
    residual)   distill residual residual --freeze-pooling ;;
    plus)       distill plus residual --freeze-pooling --hard-in-batch --pointwise 1 ;;
    plus-no-ci) distill plus-no-ci residual --freeze-pooling --hard-in-batch --pointwise 1 --alpha 0 ;;
    plus-no-ri) distill plus-no-ri residual --freeze-pooling --hard-in-batch --pointwise 1 --beta 0 --gamma 0 ;;
    plus-no-fi) distill plus-no-fi residual --freeze-pooling --hard-in-batch --pointwise 1 --eta 0 ;;
    *) echo "experiment: unknown run '$run'" >&2; exit 2 ;;
  esac
done

# NO_REPORT=1 trains only (make default-student), leaving docs/results/ as it is.
[ "${NO_REPORT:-0}" = 1 ] && exit 0
report="docs/results/$name.txt"
: > "$report"
for set in "$dev" "${extra[@]}"; do
  t=$task; [ "$set" != "$dev" ] && t=pair
  row() { printf '%s\t%s\t%s\t%s\n' "$set" "$1" "$($cli eval "${@:2}" --data "$data/$set" --task "$t" | tail -1)" "$(date -u +%FT%TZ)" >> "$report"; }
  row zero-shot-cosine --model "$models/$base" --scorer cosine
  row teacher --model "$out/teacher" --scorer teacher
  for run in $runs; do
    row "$run" --model "$out/$run/best" --scorer iem
    if [ "$run" = d2llm ] || [ "$run" = plus ]; then row "$run-no-iem" --model "$out/$run/best" --scorer cosine; fi
  done
done
cat "$report"
