"""Lazy imports of heavy optional dependencies, with the install command in the error."""

from __future__ import annotations

import importlib
from types import ModuleType

from biolite.errors import MissingDependencyError

#: module -> (pip package, biolite extra)
_PACKAGES: dict[str, tuple[str, str | None]] = {
    "tritonclient.grpc": ("tritonclient[grpc]", "serving"),
    "tritonclient.http": ("tritonclient[http]", "serving"),
    "pytriton": ("nvidia-pytriton", "serving"),
    "matplotlib": ("matplotlib", "bench"),
    "tensorrt": ("tensorrt", None),
    "onnxruntime": ("onnxruntime", None),
    "lxml.etree": ("lxml", None),
    "bioc": ("bioc", None),
    "syntok.segmenter": ("syntok", None),
    "abbreviations.schwartz_hearst": ("abbreviations", None),
    "sklearn": ("scikit-learn", None),
    "ray": ("ray[data]", "ray"),
    "faiss": ("faiss-cpu", "link"),
}


def require(module: str, purpose: str = "") -> ModuleType:
    """Import ``module`` or raise ``MissingDependencyError`` saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        package, extra = _PACKAGES.get(module, (module.split(".")[0], None))
        raise MissingDependencyError(package, extra, purpose) from None
