#!/usr/bin/env bash
# One device call's worth of checks and benches, run from the repository root on the GPU machine:
#   .gpu-bundle/gpu/device-run.sh [STAGE...]     (default: all but jobpart and jobrest)
#   info    the GPU, driver and PyTorch the machine has
#   verify  model verify --device gpu on the tiny Qwen2/Llama/Qwen3/BERT fixtures (transformers references)
#   arith   bench gpu: float32 against the CPU, float16 and bfloat16 against float32, matmul TFLOP/s
#   parity  teacher scores and 52 distillation steps on the GPU from the inputs gpu/parity-cpu.sh made on the CPU,
#           compared with the CPU's (gpu/compare_parity.py)
#   job     docs/jobs/tiny.yaml, all seven steps, with job run --device gpu
#   index   index build of 2,000 MedQuAD passages with the shipped student over that random-weight base
#   encode  bench encode against sentence-transformers' encode, same random-weight bge-small-shaped model, texts,
#           batch size and GPU, fp32 and fp16, with the vectors' max_abs_diff
#   teacher bench teacher: the bge-small-shaped cross-encoder teacher scoring and training against plain
#           transformers (gpu/bench_teacher.py) on the same token ids
#   llm     the same for an LLM teacher of Qwen2.5-0.5B's shape (random weights, gpu/qwen2.5-0.5b-shape)
#   train   bench train: a LoRA student's training step, bge-small- and Qwen2.5-0.5B-shaped, against transformers
#           + PEFT (gpu/bench_train.py)
#   bge     model verify of the real bge-small-en-v1.5 (staged in /tmp/d2llm-stage, gpu/stage-inputs.sh) on the GPU
#           against ONNX Runtime's states that stage-inputs.sh saved on the CPU beside it
#   replicas  the parity plan's distillation with two replicas on the one GPU (--device gpu0,gpu0: the data-parallel
#           path, sharding and gradient gathering) against one replica, same global batch
#   jobpart docs/jobs/tiny.yaml stopped JOB_STOP_S seconds into its distill step, its store packed into $OUT;
#           jobrest: the same job resumed from a store a call carried back (.gpu-job/store.tar.xz)
# Full logs go to $OUT/logs.tar.gz; the summary (also $OUT/summary.txt) is printed last. The first command run builds
# the JNI library (the launcher writes it to $OUT/jni/ for the next call to carry).
set -uo pipefail
bundle="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${OUT:-/tmp/d2llm-gpu-out}"
# Logs stay on the machine and are packed into $OUT/logs.tar.gz after each step: a call brings back only a
# few files, and what a step wrote must come back even when the call runs out of time.
logs=/tmp/d2llm-gpu-logs
rm -rf "$logs" && mkdir -p "$logs" "$out"
summary="$out/summary.txt"
: >"$summary"
d2llm="$bundle/d2llm"
bench_dir=/tmp/d2llm-bench
batch="${BATCH:-128}"
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(info verify arith parity job encode index teacher llm train bge replicas)

note() { echo "$*" | tee -a "$summary"; }
# RATIO WHAT LINE KEY OURS_LOG THEIRS_LOG: the ratio of the KEY= values on the lines starting LINE_d2llm and LINE_py
# in two step logs, into the summary.
ratio() {
  local ours theirs
  ours="$(grep "^d2llm_$2" "$logs/$4.log" | grep -o " $3=[0-9.]*" | tail -1 | cut -d= -f2)"
  theirs="$(grep "^py_$2" "$logs/$5.log" | grep -o " $3=[0-9.]*" | tail -1 | cut -d= -f2)"
  if [ -n "$ours" ] && [ -n "$theirs" ]; then
    note "ratio $1: d2llm/python = $(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.3f", a / b }') ($ours / $theirs $3)"
  fi
}
# STEP NAME PATTERN CMD...: runs CMD with its output in logs/NAME.log, sampling GPU memory meanwhile; copies the
# lines matching PATTERN, the exit status, the time and the peak GPU memory in use into the summary.
step() {
  local name="$1" pattern="$2"; shift 2
  local start=$SECONDS rc peak
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 >"$logs/$name.mem" 2>/dev/null &
  local sampler=$!
  "$@" >"$logs/$name.log" 2>&1
  rc=$?
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
  peak="$(sort -n "$logs/$name.mem" 2>/dev/null | tail -1)"
  note "== $name: rc=$rc $((SECONDS - start))s gpu_mem_used_peak=${peak:-?}MiB"
  grep -E "$pattern" "$logs/$name.log" | tee -a "$summary"
  [ "$rc" = 0 ] || tail -15 "$logs/$name.log" | sed 's/^/    /' | tee -a "$summary"
  tar -C "$(dirname "$logs")" -czf "$out/logs.tar.gz" "$(basename "$logs")"
  return "$rc"
}

model="$bench_dir/bge-small-random"
# Unpacks the benches' inputs and makes the random-weight bge-small-shaped model, once per call.
bench_inputs() {
  if [ ! -f "$bundle/bench.tar.xz" ]; then note "== $stage: skipped, the bundle has no bench.tar.xz"; return 1; fi
  [ ! -f "$model/model.safetensors" ] || return 0
  rm -rf "$bench_dir" && mkdir -p "$bench_dir" && xz -dc "$bundle/bench.tar.xz" | tar -C "$bench_dir" -xf -
  step make-model 'random' python3 "$bundle/gpu/make_random_model.py" "$bench_dir/bench/models/bge-small-en-v1.5" "$model"
}

for stage in "${stages[@]}"; do
  case "$stage" in
    info)
      note "== info: $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader)"
      note "   $(python3 -c 'import torch, transformers, sentence_transformers as st; print("torch", torch.__version__, "cuda", torch.version.cuda, "transformers", transformers.__version__, "sentence-transformers", st.__version__)' 2>&1 | tail -1)"
      note "   bundle commit $(cat "$bundle/commit" 2>/dev/null) nproc $(nproc)"
      ;;
    verify)
      for m in tiny-bert tiny-qwen2 tiny-llama tiny-qwen3; do
        step "verify-$m" 'max_abs_diff|right\.|left\.' "$d2llm" model verify "src/test/resources/models/$m" --device gpu
      done
      ;;
    arith)
      step arith '.' "$d2llm" bench gpu --device gpu
      ;;
    encode)
      bench_inputs || continue
      for texts in stsb-sentences medquad-2k; do
        for precision in fp32 fp16; do
          t="$bench_dir/bench/data/$texts.txt" dump="$bench_dir/ours-$texts-$precision.f32"
          step "encode-d2llm-$texts-$precision" 'd2llm_encode' "$d2llm" bench encode --model "$model" --texts "$t" \
            --batch "$batch" --device gpu --precision "$precision" --dump "$dump"
          step "encode-st-$texts-$precision" 'st_encode|parity' python3 "$bundle/gpu/bench_encode.py" --model "$model" \
            --texts "$t" --batch "$batch" --precision "$precision" --ours "$dump"
          ours="$(grep -o 'sentences_per_s=[0-9.]*' "$logs/encode-d2llm-$texts-$precision.log" | cut -d= -f2)"
          theirs="$(grep -o 'sentences_per_s=[0-9.]*' "$logs/encode-st-$texts-$precision.log" | cut -d= -f2)"
          if [ -n "$ours" ] && [ -n "$theirs" ]; then
            note "ratio encode $texts $precision batch=$batch: d2llm/sentence-transformers = $(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.3f", a / b }')"
          fi
        done
      done
      ;;
    index)
      # The shipped student over the random-weight base: its bundled:bge-small-en-v1.5 resolves under D2LLM_MODELS.
      bench_inputs || continue
      mkdir -p "$bench_dir/models" && ln -sfn "$model" "$bench_dir/models/bge-small-en-v1.5"
      corpus="$bench_dir/bench/data/medquad-2k.txt"
      start=$SECONDS
      step index-build 'version=|index=|passages_per_s' env D2LLM_MODELS="$bench_dir/models" "$d2llm" index build \
        --corpus "$corpus" --out "$bench_dir/index" --device gpu
      note "index build: $(wc -l <"$corpus") passages in $((SECONDS - start)) s, JVM start and model load included"
      ;;
    parity)
      # The CPU's inputs and figures at the CPU's paths (the teacher cache keys name the teacher by its place).
      if [ ! -f "$bundle/parity.tar.xz" ]; then note "== parity: skipped, the bundle has no parity.tar.xz"; continue; fi
      rm -rf /tmp/d2llm-job && xz -dc "$bundle/parity.tar.xz" | tar -C /tmp -xf -
      run=/tmp/d2llm-job/runs/tiny
      step teacher-score-gpu 'scored' "$d2llm" teacher score --examples "$run/examples.jsonl" --teacher "$run/teacher" \
        --cache /tmp/d2llm-job/teacher-gpu.bin --batch-size 4 --negatives 2 --epochs 13 --device gpu
      step distill-gpu 'student=' "$d2llm" distill --student "$run/student" --examples "$run/examples.jsonl" \
        --teacher "$run/teacher" --cache "$run/teacher.bin" --out /tmp/d2llm-job/run-gpu --freeze-backbone \
        --batch-size 4 --negatives 2 --epochs 13 --lr 1e-3 --dev /tmp/d2llm-job/data/pairs.tsv --validate-every 10 \
        --checkpoint-every 1000 --device gpu
      mkdir -p "$out/parity" && cp /tmp/d2llm-job/run-gpu/metrics.csv "$out/parity/metrics-gpu.csv"
      step compare-parity '.' python3 "$bundle/gpu/compare_parity.py" "$run/teacher.bin" /tmp/d2llm-job/teacher-gpu.bin \
        /tmp/d2llm-job/run-cpu/metrics.csv /tmp/d2llm-job/run-gpu/metrics.csv
      ;;
    job)
      # docs/jobs/tiny.yaml, all seven steps, with --device gpu, on local copies of its inputs.
      store=/tmp/d2llm-job-gpu
      rm -rf "$store" && mkdir -p "$store/data" "$store/models"
      cp cli/src/test/resources/pipeline/toy/pairs.tsv cli/src/test/resources/pipeline/toy/corpus.txt "$store/data/"
      cp -r src/test/resources/models/tiny-bert "$store/models/"
      sed "s#store: s3://d2llm-demo#store: $store#" docs/jobs/tiny.yaml >"$store/tiny.yaml"
      step job-tiny 'job tiny: (step|finished)' "$d2llm" job run --device gpu "$store/tiny.yaml"
      mkdir -p "$out/job" && cp "$store/runs/tiny/report/report.json" "$out/job/" 2>/dev/null
      ;;
    teacher)
      bench_inputs || continue
      ids="$bench_dir/teacher-ids.txt"
      step teacher-d2llm 'd2llm_teacher' "$d2llm" bench teacher --teacher "$model" \
        --queries "$bench_dir/bench/data/stsb-sentences.txt" --passages "$bench_dir/bench/data/medquad-2k.txt" \
        --count 2000 --train-steps 60 --batch 32 --dump-ids "$ids" --device gpu
      step teacher-py 'py_teacher' python3 "$bundle/gpu/bench_teacher.py" --teacher "$model" --ids "$ids" --kind cross \
        --budget 4096 --rows 128 --train-steps 60 --batch 32
      ratio "teacher score (bge-small-shaped cross-encoder)" teacher_score pairs_per_s teacher-d2llm teacher-py
      ratio "teacher train (bge-small-shaped cross-encoder, batch 32)" teacher_train steps_per_s teacher-d2llm teacher-py
      ;;
    llm)
      bench_inputs || continue
      qwen="$bench_dir/qwen-random"
      if [ ! -f "$qwen/model.safetensors" ]; then
        rm -rf "$bench_dir/qwen-template" && mkdir -p "$bench_dir/qwen-template"
        cp gpu/qwen2.5-0.5b-shape/config.json "$bench_dir/qwen-template/"
        for f in tokenizer.json tokenizer_config.json special_tokens_map.json vocab.txt; do
          cp "$bench_dir/bench/models/bge-small-en-v1.5/$f" "$bench_dir/qwen-template/" 2>/dev/null
        done
        step make-qwen 'random' python3 "$bundle/gpu/make_random_model.py" "$bench_dir/qwen-template" "$qwen"
      fi
      ids="$bench_dir/llm-ids.txt"
      step llm-d2llm 'd2llm_teacher' "$d2llm" bench teacher --teacher "$qwen" \
        --queries "$bench_dir/bench/data/stsb-sentences.txt" --passages "$bench_dir/bench/data/medquad-2k.txt" \
        --count 1000 --dump-ids "$ids" --device gpu
      step llm-py 'py_teacher' python3 "$bundle/gpu/bench_teacher.py" --teacher "$qwen" --ids "$ids" --kind llm \
        --budget 4096 --rows 64
      ratio "LLM teacher score (Qwen2.5-0.5B-shaped)" teacher_score pairs_per_s llm-d2llm llm-py
      ;;
    train)
      bench_inputs || continue
      step train-bge-d2llm 'd2llm_train' "$d2llm" bench train --model "$model" --batch 32 --query-length 32 \
        --passage-length 224 --steps 30 --warmup 5 --device gpu
      step train-bge-py 'py_train' python3 "$bundle/gpu/bench_train.py" --model "$model" --batch 32 --query-length 32 \
        --passage-length 224 --steps 30 --warmup 5
      ratio "LoRA student step (bge-small-shaped, batch 32, 32+224 tokens)" train tokens_per_s train-bge-d2llm train-bge-py
      qwen="$bench_dir/qwen-random"
      if [ -f "$qwen/model.safetensors" ]; then
        step train-qwen-d2llm 'd2llm_train' "$d2llm" bench train --model "$qwen" --batch 16 --query-length 32 \
          --passage-length 224 --steps 30 --warmup 5 --device gpu
        step train-qwen-py 'py_train' python3 "$bundle/gpu/bench_train.py" --model "$qwen" --batch 16 --query-length 32 \
          --passage-length 224 --steps 30 --warmup 5
        ratio "LoRA student step (Qwen2.5-0.5B-shaped, batch 16, 32+224 tokens)" train tokens_per_s train-qwen-d2llm train-qwen-py
      else
        note "== train: no Qwen2.5-0.5B-shaped model (run the llm stage first)"
      fi
      ;;
    bge)
      bench_inputs || continue
      bge=/tmp/d2llm-stage/in/models/bge-small-en-v1.5
      if [ ! -f "$bge/model.safetensors" ] && ls /tmp/d2llm-stage/inputs.tar.xz.part* >/dev/null 2>&1; then
        mkdir -p /tmp/d2llm-stage/in && cat /tmp/d2llm-stage/inputs.tar.xz.part* | xz -dc -T0 | tar -C /tmp/d2llm-stage/in -xf -
      fi
      if [ ! -f "$bge/model.safetensors" ] || [ ! -f "$bge/ort-reference.safetensors" ]; then
        note "== bge: skipped: no staged $bge with its ort-reference.safetensors (gpu/stage-inputs.sh)"
        continue
      fi
      step verify-bge-small 'max_abs_diff|last_hidden' "$d2llm" model verify "$bge" --onnx-reference "$bge/ort-reference.safetensors" \
        --device gpu
      ;;
    replicas)
      if [ ! -f "$bundle/parity.tar.xz" ]; then note "== replicas: skipped, the bundle has no parity.tar.xz"; continue; fi
      [ -d /tmp/d2llm-job/runs/tiny ] || { rm -rf /tmp/d2llm-job && xz -dc "$bundle/parity.tar.xz" | tar -C /tmp -xf -; }
      run=/tmp/d2llm-job/runs/tiny
      for devices in gpu gpu0,gpu0; do
        name="distill-${devices//,/-}"
        rm -rf "/tmp/d2llm-job/$name"
        step "$name" 'student=|steps_per_s' "$d2llm" distill --student "$run/student" --examples "$run/examples.jsonl" \
          --teacher "$run/teacher" --cache "$run/teacher.bin" --out "/tmp/d2llm-job/$name" --freeze-backbone \
          --batch-size 4 --negatives 2 --epochs 13 --lr 1e-3 --dev /tmp/d2llm-job/data/pairs.tsv --validate-every 10 \
          --checkpoint-every 1000 --device "$devices"
      done
      mkdir -p "$out/replicas" && cp /tmp/d2llm-job/distill-gpu*/metrics.csv "$out/replicas/" 2>/dev/null
      cp /tmp/d2llm-job/distill-gpu/metrics.csv "$out/replicas/metrics-1.csv" 2>/dev/null
      cp /tmp/d2llm-job/distill-gpu0-gpu0/metrics.csv "$out/replicas/metrics-2.csv" 2>/dev/null
      step compare-replicas '.' python3 "$bundle/gpu/compare_parity.py" "$run/teacher.bin" "$run/teacher.bin" \
        /tmp/d2llm-job/distill-gpu/metrics.csv /tmp/d2llm-job/distill-gpu0-gpu0/metrics.csv
      ;;
    jobpart|jobrest)
      # One job over two calls: the store (inputs, state, outputs) comes back in $OUT/job/store.tar.xz and travels
      # in the next call as .gpu-job/store.tar.xz (scripts/gpu-keep-job.sh).
      store=/tmp/d2llm-job-calls
      if [ "$stage" = jobpart ]; then
        rm -rf "$store" && mkdir -p "$store/data" "$store/models"
        cp cli/src/test/resources/pipeline/toy/pairs.tsv cli/src/test/resources/pipeline/toy/corpus.txt "$store/data/"
        cp -r src/test/resources/models/tiny-bert "$store/models/"
        # A distill step long enough to be stopped in: 400 epochs (1,600 steps), no early stop, a checkpoint every 2 steps.
        sed -e "s#store: s3://d2llm-demo#store: $store#" \
          -e '/run: distill/,/checkpoint-every/{s#epochs: 2#epochs: 400#;s#validate-every: 2#validate-every: 400#}' \
          docs/jobs/tiny.yaml >"$store/tiny.yaml"
        "$d2llm" job run --device gpu "$store/tiny.yaml" >"$logs/job-part.log" 2>&1 &
        pid=$!
        # The state records a step once it finished; distill runs right after "scores".
        until grep -q '"scores"' "$store/runs/tiny/job-state.json" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null; do
          sleep 1
        done
        sleep "${JOB_STOP_S:-12}"
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
        note "== jobpart: stopped $(date -u +%T); state: $(tr -d '\n ' <"$store/runs/tiny/job-state.json" 2>/dev/null | head -c 600)"
        note "   distill run files: $(find "$store/runs/tiny/run" -mindepth 1 -maxdepth 1 -printf '%f ' 2>/dev/null)"
      else
        if [ ! -f "$bundle/../.gpu-job/store.tar.xz" ]; then note "== jobrest: no .gpu-job/store.tar.xz carried"; continue; fi
        rm -rf "$store" && mkdir -p "$store" && xz -dc "$bundle/../.gpu-job/store.tar.xz" | tar -C "$store" -xf -
        step job-rest 'job tiny: (step|finished)|resumed|steps=' "$d2llm" job run --device gpu "$store/tiny.yaml"
        cp "$store/runs/tiny/report/report.json" "$out/job-report.json" 2>/dev/null
      fi
      mkdir -p "$out/job" && tar -C "$store" -cf - . | xz -T0 -6 >"$out/job/store.tar.xz"
      ;;
    *) note "unknown stage $stage" ;;
  esac
done
echo "======== summary"
cat "$summary"
