"""``benchmarks/results/cdr/train.sh OUT``: the script a held-out evaluation reruns
trains on the CDR sentences, exports INT8 gated on the development split, and leaves
a folder ``biolite annotate`` accepts (here with a tiny encoder and two steps)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import build_tiny_bert

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "cdr" / "train.sh"


def test_the_cdr_training_script_writes_an_export_annotate_accepts(
    data_dir, tokenizer_dir, tmp_path
):
    if not (data_dir / "BC5CDR" / "mtl2016-BC5CDR-IOB").is_dir():
        pytest.skip("BC5CDR CoNLL files absent")
    base = build_tiny_bert(tokenizer_dir, tmp_path / "base", head="base")
    env = {
        **os.environ,
        "BIOLITE_DATA": str(data_dir),
        "BASE": str(base),
        "PYTHON": sys.executable,
        "EXTRA_TRAIN_ARGS": "--max-steps 2 --max-train-examples 64 --eval-split none",
        "EXTRA_EXPORT_ARGS": "--allow-degenerate --no-optimize",
    }
    out = tmp_path / "cdr"
    run = subprocess.run(["bash", str(SCRIPT), str(out)], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    gate = json.loads((out / "biolite-export.json").read_text())["accuracy"]
    assert gate["split"] == "devel" and gate["data"].endswith("mtl2016-BC5CDR-IOB")
    docs = tmp_path / "docs.txt"
    docs.write_text("Cocaine-induced seizures.\nNaloxone reversed the hypotension.\n")
    annotated = subprocess.run(
        [sys.executable, "-m", "biolite.cli.main", "annotate", "--model", str(out),
         "--input", str(docs), "--output", str(tmp_path / "annotated")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert annotated.returncode == 0, annotated.stderr[-3000:]
    assert (tmp_path / "annotated" / "biolite-annotate.json").is_file()
