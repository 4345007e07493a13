import pytest

pytest.importorskip(
    "tritonclient.grpc",
    reason="the serving extra is not installed (pip install 'biolite[serving]')",
)
