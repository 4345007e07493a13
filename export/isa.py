"""CPU instruction-set detection for INT8 kernels (VNNI vs AVX2)."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def cpu_flags() -> frozenset[str]:
    """Flags of the first CPU in ``/proc/cpuinfo`` (empty where unavailable)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.split(":", 1)[1].split())
    return frozenset()


def int8_isa() -> str:
    """The best INT8 instruction set here: ``avx512_vnni``, ``avx_vnni``, ``avx2`` or ``other``."""
    flags = cpu_flags()
    for isa in ("avx512_vnni", "avx_vnni", "avx2"):
        if isa in flags:
            return isa
    return "other"


def reduce_range() -> bool:
    """7-bit weights help accuracy where there is no VNNI (onnxruntime's advice)."""
    return int8_isa() not in ("avx512_vnni", "avx_vnni")
