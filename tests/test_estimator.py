"""The estimator's Python (build-time table) and JavaScript (form) agree to the last printed
digit, and both refuse bad input the same way."""
from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from sitegen import estimate

NODE = shutil.which("node")
CHIPS = [  # shapes like the real data, including a chip without FP8
    {"name": "a", "memory_gb": 96, "bandwidth_tbs": 4.0, "fp16_tflops": 148, "fp8_tflops": 296},
    {"name": "b", "memory_gb": 80, "bandwidth_tbs": 3.35, "fp16_tflops": 989.4, "fp8_tflops": 1978.9},
    {"name": "c", "memory_gb": 64, "bandwidth_tbs": 1.6, "fp16_tflops": 320, "fp8_tflops": None},
]
GRID = list(itertools.product(
    range(len(CHIPS)), [0.5, 8, 70, 671], [0.5, 8, 37], ["fp16", "fp8", "int4"], [0, 68.625, 320],
    [1, 7, 32, 4096], [1, 4096, 131072], [1, 3, 8]))

HARNESS = """
import { estimate, show, checkInputs } from "./estimator.js";
const input = JSON.parse(await new Promise((done) => {
  let text = ""; process.stdin.on("data", (c) => (text += c)); process.stdin.on("end", () => done(text));
}));
const printed = input.grid.map(([c, p, a, prec, kv, b, ctx, n]) => {
  const r = estimate(input.chips[c], p, a, prec, kv, b, ctx, n);
  return [r.fits, r.bound, show(r.memory_used_gb), show(r.memory_gb), show(r.tokens_per_s),
          show(r.tokens_per_s_each), show(r.prefill_s)];
});
const shown = input.numbers.map(show);
const checks = input.forms.map(checkInputs);
process.stdout.write(JSON.stringify({ printed, shown, checks }));
"""

BAD_FORMS = [
    {}, {"params_b": "", "active_b": "8", "kv_kib": "1", "batch": "1", "context": "1", "chips": "1"},
    {"params_b": "abc", "active_b": "-1", "kv_kib": "1e400", "batch": "1.5", "context": "0x10", "chips": "1_000"},
    {"params_b": "70", "active_b": "80", "kv_kib": " 2 ", "batch": "4096", "context": "1000001", "chips": "NaN"},
    {"params_b": "Infinity", "active_b": ".5", "kv_kib": "0", "batch": "0", "context": "5e2", "chips": "1024"},
    {"params_b": "\uff17\uff10", "active_b": "7\n", "kv_kib": "-0", "batch": "+1", "context": "1.0", "chips": " "},
]
NUMBERS = [0.00004999, 0.00005, 0.0012345, 0.0125, 0.015, 0.5, 0.9995, 1.005, 2.675, 9.995, 9.9999, 10.05,
           10.25, 99.95, 99.96, 100.5, 101.5, 1234.5, 2.5e6, 123456789.5, 1e15 + 0.5]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_python_and_javascript_print_the_same_digits(tmp_path: Path) -> None:
    shutil.copy(ROOT / "static" / "estimator.js", tmp_path / "estimator.js")
    (tmp_path / "package.json").write_text('{"type": "module"}')
    (tmp_path / "harness.js").write_text(HARNESS)
    payload = json.dumps({"chips": CHIPS, "grid": GRID, "numbers": NUMBERS, "forms": BAD_FORMS})
    run = subprocess.run([NODE, "harness.js"], input=payload, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert run.returncode == 0, run.stderr
    js = json.loads(run.stdout)
    py = []
    for c, p, a, prec, kv, b, ctx, n in GRID:
        r = estimate.estimate(CHIPS[c], p, a, prec, kv, b, ctx, n)
        py.append([r["fits"], r["bound"], *(estimate.show(r[k]) for k in
                  ("memory_used_gb", "memory_gb", "tokens_per_s", "tokens_per_s_each", "prefill_s"))])
    assert len(py) == len(GRID) > 10000
    mismatches = [(GRID[i], py[i], js["printed"][i]) for i in range(len(py)) if py[i] != js["printed"][i]]
    assert not mismatches, mismatches[:5]
    assert [estimate.show(x) for x in NUMBERS] == js["shown"]
    assert [estimate.check_inputs(f) for f in BAD_FORMS] == js["checks"]


def test_printed_numbers_are_never_nan_or_infinite() -> None:
    for c, p, a, prec, kv, b, ctx, n in GRID[::97]:
        r = estimate.estimate(CHIPS[c], p, a, prec, kv, b, ctx, n)
        for key in ("memory_used_gb", "tokens_per_s", "tokens_per_s_each", "prefill_s"):
            text = estimate.show(r[key])
            assert text.replace(",", "").replace(".", "").isdigit(), (key, text)


def test_rounding_is_half_up_on_the_exact_value() -> None:
    assert estimate.show(0.5) == "0.500"
    assert estimate.show(100.5) == "101"      # exact binary half: up, like toFixed
    assert estimate.show(2.675) == "2.67"     # 2.675 is 2.67499999... in binary
    assert estimate.show(1234.5) == "1,235"


def test_bad_form_input_gets_a_reason_per_field() -> None:
    problems = estimate.check_inputs(BAD_FORMS[2])
    assert problems == {"params_b": "number", "active_b": "range", "kv_kib": "range", "batch": "whole",
                        "context": "number", "chips": "number"}
    assert estimate.check_inputs(BAD_FORMS[3])["active_b"] == "active"


def test_worked_example_matches_the_formula() -> None:
    # 70B parameters at FP8 = 70 GB read per token; 4.0 TB/s / 70 GB = 57.1 tokens/s at most.
    chip = {"memory_gb": 96, "bandwidth_tbs": 4.0, "fp16_tflops": 148, "fp8_tflops": 296}
    r = estimate.estimate(chip, 70, 70, "fp8", 0, 1, 1, 1)
    assert estimate.show(r["tokens_per_s"]) == "57.1" and r["bound"] == "memory"
