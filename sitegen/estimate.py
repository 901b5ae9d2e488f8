"""Upper bounds for serving a language model on a chip: the inference estimator's formulas.

static/estimator.js implements exactly the same arithmetic, in the same order, so the
page's table (computed here at build time) and the form (computed in the browser) agree to
the last printed digit; tests/test_estimator.py checks that on a grid of inputs.

Assumptions (stated on the page): ideal utilisation, no overlap losses, weights split evenly
over the chips, the KV cache kept at 16 bits, attention FLOPs ignored, decode reads every
active weight and the whole KV cache once per step, prefill is compute-bound.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

BYTES_PER_WEIGHT = {"fp16": 2.0, "fp8": 1.0, "int4": 0.5}
# Which tensor rate multiplies: FP8 weights run on FP8 units; INT4 weights are widened to 16 bits.
COMPUTE_METRIC = {"fp16": "fp16_dense", "fp8": "fp8_dense", "int4": "fp16_dense"}
KV_BYTES_PER_VALUE = 2.0

LIMITS = {  # name: (smallest, largest, whole numbers only)
    "params_b": (0.1, 10000.0, False),
    "active_b": (0.1, 10000.0, False),
    "kv_kib": (0.0, 10000.0, False),
    "batch": (1, 4096, True),
    "context": (1, 1000000, True),
    "chips": (1, 1024, True),
}


def estimate(chip: dict, params_b: float, active_b: float, precision: str, kv_kib: float,
             batch: int, context: int, chips: int) -> dict:
    """Memory fit, decode tokens/s bound and prefill seconds for one chip type.

    chip: {"memory_gb", "bandwidth_tbs", "fp16_tflops", "fp8_tflops"} (fp8 may be None).
    """
    bytes_w = BYTES_PER_WEIGHT[precision]
    weights = params_b * 1e9 * bytes_w
    kv = batch * context * kv_kib * 1024
    capacity = chips * chip["memory_gb"] * 1e9
    fits = weights + kv <= capacity
    peak_tflops = chip["fp8_tflops"] if precision == "fp8" and chip.get("fp8_tflops") else chip["fp16_tflops"]
    flops_per_s = chips * peak_tflops * 1e12
    bytes_per_s = chips * chip["bandwidth_tbs"] * 1e12
    step_bytes = active_b * 1e9 * bytes_w + kv
    step_flops = 2 * active_b * 1e9 * batch
    t_memory = step_bytes / bytes_per_s
    t_compute = step_flops / flops_per_s
    step = max(t_memory, t_compute)
    prefill = 2 * active_b * 1e9 * context * batch / flops_per_s
    return {
        "fits": fits,
        "memory_used_gb": (weights + kv) / 1e9,
        "memory_gb": capacity / 1e9,
        "tokens_per_s": batch / step,
        "tokens_per_s_each": 1 / step,
        "bound": "memory" if t_memory >= t_compute else "compute",
        "prefill_s": prefill,
    }


def fixed(x: float, decimals: int) -> str:
    """x rounded half-up on its exact binary value, like JavaScript's toFixed."""
    q = Decimal(1).scaleb(-decimals)
    return str(Decimal(x).quantize(q, rounding=ROUND_HALF_UP))


def group(text: str) -> str:
    """Thousands separators on the whole part: 12345.6 -> 12,345.6."""
    sign = "-" if text.startswith("-") else ""
    whole, dot, frac = text.lstrip("-").partition(".")
    parts = []
    while len(whole) > 3:
        parts.insert(0, whole[-3:])
        whole = whole[:-3]
    parts.insert(0, whole)
    return sign + ",".join(parts) + dot + frac


def show(x: float) -> str:
    """Three significant figures at most, never scientific notation: 0.0123, 4.56, 78.9, 1,234."""
    if x >= 100:
        return group(fixed(x, 0))
    if x >= 10:
        return group(fixed(x, 1))
    if x >= 1:
        return fixed(x, 2)
    if x >= 0.01:
        return fixed(x, 3)
    return fixed(x, 4)


# Plain decimal numbers only, in both languages (Python's float() and JavaScript's Number()
# each accept forms the other refuses, such as '1_000' and '0x10').
NUMBER_RE = re.compile(r"[ \t]*-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?[ \t]*")


def check_inputs(values: dict) -> dict[str, str]:
    """Field name -> problem code ('missing', 'number', 'range', 'whole', 'active') for bad input."""
    problems = {}
    for name, (low, high, whole) in LIMITS.items():
        v = values.get(name)
        if v is None or str(v).strip(" \t") == "":
            problems[name] = "missing"
            continue
        if not NUMBER_RE.fullmatch(str(v)):
            problems[name] = "number"
            continue
        x = float(v)
        if x in (float("inf"), float("-inf")):
            problems[name] = "range"
        elif x < low or x > high:
            problems[name] = "range"
        elif whole and x != int(x):
            problems[name] = "whole"
    if "params_b" not in problems and "active_b" not in problems and float(values["active_b"]) > float(values["params_b"]):
        problems["active_b"] = "active"
    return problems


def kv_kib(model: dict) -> float:
    """KV cache per token in KiB at 16 bits: layers x values per layer x 2 bytes / 1024."""
    return model["layers"] * model["kv_values"] * KV_BYTES_PER_VALUE / 1024


def chip_inputs(data) -> list[dict]:
    """The chips the estimator can compare: those with sourced memory, bandwidth and FP16 figures."""
    out = []
    for cid, chip in data.chips.items():
        needed = [data.get(cid, m) for m in ("memory_capacity", "memory_bandwidth", "fp16_dense")]
        if not all(needed):
            continue
        fp8 = data.get(cid, "fp8_dense")
        sources = tuple(dict.fromkeys(s for v in [*needed, fp8] if v for s in v.sources))
        out.append({"id": cid, "name": chip["name"], "memory_gb": needed[0].number,
                    "bandwidth_tbs": needed[1].number, "fp16_tflops": needed[2].number,
                    "fp8_tflops": fp8.number if fp8 else None, "sources": sources})
    return out


def scenario_rows(data) -> list[dict]:
    """The precomputed table: each scenario of data/scenarios.csv on each chip."""
    rows = []
    for sc in data.scenarios:
        model = data.models[sc["model"]]
        for chip in chip_inputs(data):
            r = estimate(chip, model["params_b"], model["active_b"], sc["precision"], kv_kib(model),
                         sc["batch"], sc["context"], sc["chips"])
            printed = {k: show(v) for k, v in r.items() if isinstance(v, float)}
            rows.append({"scenario": sc, "model": model, "chip": chip, "result": r, "printed": printed})
    return rows
