"""The RE accuracy gate scores the fold the model was trained on (or --fold), checked early."""

import pytest

from biolite.errors import DataError
from biolite.export import ExportSpec, export, verify_manifest


def test_train_re_records_its_fold_and_the_gate_scores_that_fold(trained_re_dir, gad, tmp_path):
    from transformers import AutoConfig

    from biolite.tasks.re import ReSettings

    assert ReSettings.from_config(AutoConfig.from_pretrained(trained_re_dir)).fold == 1
    spec = ExportSpec(
        task="re", int8=True, optimize=False, eval_data=gad, max_f1_drop=100, allow_degenerate=True
    )
    out = export(trained_re_dir, tmp_path / "own", spec, progress=False).out
    assert verify_manifest(out)["accuracy"]["fold"] == 1
    other = spec.model_copy(update={"fold": 2})
    out = export(trained_re_dir, tmp_path / "other", other, progress=False).out
    assert verify_manifest(out)["accuracy"]["fold"] == 2


def test_a_missing_re_fold_fails_before_any_export_work(trained_re_dir, gad, tmp_path):
    spec = ExportSpec(task="re", int8=True, eval_data=gad, fold=11)
    with pytest.raises(DataError, match="11"):
        export(trained_re_dir, tmp_path / "out", spec, progress=False)
    assert list(tmp_path.iterdir()) == []
