"""Figures derived from the published ones, with the formulas the export rules and the
roofline model use. Each entry: (metrics it reads, function of their numbers, decimals)."""
from __future__ import annotations

# Bit length of each throughput metric, for total processing performance (TPP).
TPP_BITS = {"fp16_dense": 16, "fp8_dense": 8, "int8_dense": 8, "tf32_dense": 32}


def tpp(n: dict[str, float]) -> float | None:
    """TPP = dense TOPS x bit length, the highest over the precisions (ECCN 3A090)."""
    scores = [n[m] * bits for m, bits in TPP_BITS.items() if m in n]
    return max(scores) if scores else None


def density(n: dict[str, float]) -> float | None:
    """Performance density = TPP / die area in mm² (ECCN 3A090, October 2023)."""
    t = tpp(n)
    return t / n["die_area"] if t is not None and "die_area" in n else None


def ridge(n: dict[str, float]) -> float | None:
    """Ridge point (FLOP per byte) = FP16 dense FLOP/s / memory bandwidth in bytes/s."""
    if "fp16_dense" in n and "memory_bandwidth" in n:
        return n["fp16_dense"] * 1e12 / (n["memory_bandwidth"] * 1e12)
    return None


def bytes_per_flop(n: dict[str, float]) -> float | None:
    """Bytes of memory bandwidth per FP16 FLOP: the inverse of the ridge point."""
    r = ridge(n)
    return 1 / r if r else None


DERIVATIONS = {
    "tpp": (("fp16_dense", "fp8_dense", "int8_dense", "tf32_dense"), tpp, 0),
    "performance_density": (("fp16_dense", "fp8_dense", "int8_dense", "tf32_dense", "die_area"), density, 2),
    "ridge_point": (("fp16_dense", "memory_bandwidth"), ridge, 0),
    "bytes_per_flop": (("fp16_dense", "memory_bandwidth"), bytes_per_flop, 4),
}
