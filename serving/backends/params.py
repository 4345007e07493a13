"""Read a python-backend model's ``initialize`` arguments: parameters and its folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def model_parameters(args: dict[str, Any]) -> tuple[dict[str, str], Path]:
    """``(parameters, version folder)`` from Triton's ``initialize(args)``, after
    checking the model folder against the checksums ``serve build`` wrote."""
    from biolite.serving.integrity import verify_served

    verify_served(Path(args["model_repository"]))
    config = json.loads(args["model_config"])
    params = {k: v["string_value"] for k, v in config.get("parameters", {}).items()}
    folder = Path(args["model_repository"]) / str(args["model_version"])
    return params, folder
