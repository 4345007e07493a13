#!/usr/bin/env bash
# The GPU measurements behind benchmarks/results/gpu/, exactly as run on a lent GPU
# machine (the workplace's `device` tool; image: CUDA PyTorch, no network).
#
#   bash benchmarks/run_gpu.sh OUT STAGE...     stages: setup tests e2e bench compile probe
#                                                breakdown
#
# setup installs the carried wheels (.whl/: transformers 4.57.6 and the other pins the
# image lacks) and biolite into /tmp/site. DATA (default .devdata) holds what travels
# beside the repository: minilm/ (all-MiniLM-L6-v2 config + tokenizer, no weights),
# abstracts.txt (../shared/data/pubmed-abstracts/PubMedAbstract_1MB.txt, 725 abstracts)
# and data/NCBI-disease (for the tests' tiny fine-tuned model).
set -uo pipefail
OUT=${1:?usage: run_gpu.sh OUT STAGE...}
shift
DATA=${DATA:-.devdata}
MODELS="biobert distilbiobert compactbiobert tinybiobert biodistilbert-cased biodistilbert-uncased biotinybert biomobilebert"
export PYTHONPATH=/tmp/site PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
export TORCHINDUCTOR_CACHE_DIR=/tmp/inductor
mkdir -p "$OUT"
# The end-to-end model: all-MiniLM-L6-v2's architecture and tokenizer, random init, trained
# for 2 epochs on NCBI-disease (its 90 MB pretrained weights cannot travel), so that it
# tags at a trained model's rate. The CPU figure uses the same recipe on the CPU.
E2E_MODEL=/tmp/minilm-scratch
train_e2e_model() {
    python3 -c "from biolite.benchmarks.experiments.pipeline_speed import random_checkpoint as r; \
r('$DATA/minilm', '/tmp/minilm-random')" &&
    python3 -m biolite.cli.main train ner --base /tmp/minilm-random --out "$E2E_MODEL" \
        --data "$DATA/data/NCBI-disease" --train-split train_dev --eval-split test \
        --epochs 2 --lr 5e-4 --batch-size 32 --overwrite 2>&1 | tr '\r' '\n' | tail -4
}
speed() { python3 -m biolite.benchmarks.experiments.pipeline_speed --model "$E2E_MODEL" \
    --corpus "$DATA/abstracts.txt" --docs 2175 --out "$OUT/pipeline_speed.json" "$@"; }

for stage in "$@"; do
    echo "=== $stage $(date +%T)"
    case $stage in
    setup)
        nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
        python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
            --target /tmp/site .whl/*.whl &&
        python3 -m pip install -q --no-index --no-deps --no-build-isolation --no-compile \
            -e . || exit 1
        python3 -c "import torch, transformers, biolite; print(torch.__version__, transformers.__version__, torch.cuda.get_device_name())"
        ;;
    tests)
        BIOLITE_TEST_TOKENIZER=$DATA/minilm BIOLITE_TEST_DATA=$DATA/data timeout 240 \
            python3 -m pytest -p no:cacheprovider -m gpu -q -rs tests/gpu tests/export 2>&1 |
            tee "$OUT/tests.log"
        ;;
    e2e)
        train_e2e_model
        speed --runtime torch --device cuda --precision bf16 --batch-size 32 64 128 256
        speed --runtime torch --device cuda --precision fp16 --batch-size 128
        speed --runtime torch --device cuda --precision fp32 --batch-size 128
        speed --runtime onnx --int8 --batch-size 32 --name "onnx int8 cpu (this machine)"
        ;;
    bench)
        timeout 420 python3 -m biolite.cli.main bench --out "$OUT/bench" --models $MODELS \
            --runtimes torch-cuda-fp16 torch-cuda-bf16 torch-cuda-fp16-graphs \
            torch-cuda-bf16-graphs --baseline-runtime torch-cuda-fp16 \
            --shapes 1x128 32x128 128x128 256x128 --budget 1 --max-runs 200 \
            --cache /tmp/bench-cache 2>&1 | tr '\r' '\n' | grep -v '^benchmark:' | tail -20
        ;;
    compile)
        timeout 420 python3 -m biolite.cli.main bench --out "$OUT/compile" \
            --models biobert distilbiobert tinybiobert \
            --runtimes torch-cuda-bf16 torch-cuda-bf16-graphs torch-cuda-bf16-compile \
            --baseline-runtime torch-cuda-bf16 --shapes 1x128 128x128 --budget 1 \
            --max-runs 200 --cache /tmp/bench-cache 2>&1 | tr '\r' '\n' | tail -8
        ;;
    breakdown)  # the e2e rows again, with host / model / host seconds per row
        train_e2e_model
        speed --runtime torch --device cuda --precision bf16 --batch-size 128 256 \
            --name "torch cuda bf16 (breakdown)"
        speed --runtime onnx --int8 --batch-size 32 --name "onnx int8 cpu (breakdown)"
        ;;
    probe)
        timeout 240 python3 -m biolite.benchmarks.experiments.mask_probe --models tinybiobert distilbiobert \
            biobert --shapes 128x128 --cache /tmp/bench-cache --out "$OUT/mask_probe.json" |
            cut -c1-400
        ;;
    *) echo "unknown stage $stage" >&2; exit 2 ;;
    esac
done
