import pytest

pytest.importorskip(
    "tritonclient.grpc",
    reason="the serving extra is not installed (pip install 'biolite[serving]')",
)


@pytest.fixture(scope="session")
def ner_export(trained_ner_dir, tmp_path_factory):
    from biolite.export import ExportSpec, export

    out = tmp_path_factory.mktemp("serving-export") / "ner"
    return export(trained_ner_dir, out, ExportSpec(int8=True, optimize=False), progress=False).out
