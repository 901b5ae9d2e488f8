// The inference estimator in the browser. The same arithmetic, in the same order, as
// sitegen/estimate.py (which computes the table shown without JavaScript); a test runs both
// on a grid of inputs and compares every printed digit. Every word the reader sees comes
// from the page (data-* attributes written by templates/blocks/estimator.html).

export const BYTES_PER_WEIGHT = { fp16: 2.0, fp8: 1.0, int4: 0.5 };

export const LIMITS = {
  params_b: [0.1, 10000.0, false],
  active_b: [0.1, 10000.0, false],
  kv_kib: [0.0, 10000.0, false],
  batch: [1, 4096, true],
  context: [1, 1000000, true],
  chips: [1, 1024, true],
};

export function estimate(chip, paramsB, activeB, precision, kvKib, batch, context, chips) {
  const bytesW = BYTES_PER_WEIGHT[precision];
  const weights = paramsB * 1e9 * bytesW;
  const kv = batch * context * kvKib * 1024;
  const capacity = chips * chip.memory_gb * 1e9;
  const fits = weights + kv <= capacity;
  const peakTflops = precision === "fp8" && chip.fp8_tflops ? chip.fp8_tflops : chip.fp16_tflops;
  const flopsPerS = chips * peakTflops * 1e12;
  const bytesPerS = chips * chip.bandwidth_tbs * 1e12;
  const stepBytes = activeB * 1e9 * bytesW + kv;
  const stepFlops = 2 * activeB * 1e9 * batch;
  const tMemory = stepBytes / bytesPerS;
  const tCompute = stepFlops / flopsPerS;
  const step = Math.max(tMemory, tCompute);
  const prefill = 2 * activeB * 1e9 * context * batch / flopsPerS;
  return {
    fits,
    memory_used_gb: (weights + kv) / 1e9,
    memory_gb: capacity / 1e9,
    tokens_per_s: batch / step,
    tokens_per_s_each: 1 / step,
    bound: tMemory >= tCompute ? "memory" : "compute",
    prefill_s: prefill,
  };
}

// toFixed rounds the exact binary value half up, as estimate.py's fixed() does.
export function fixed(x, decimals) {
  return x.toFixed(decimals);
}

export function group(text) {
  const sign = text.startsWith("-") ? "-" : "";
  const [whole, frac] = text.replace("-", "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return sign + grouped + (frac !== undefined ? "." + frac : "");
}

export function show(x) {
  if (x >= 100) return group(fixed(x, 0));
  if (x >= 10) return group(fixed(x, 1));
  if (x >= 1) return fixed(x, 2);
  if (x >= 0.01) return fixed(x, 3);
  return fixed(x, 4);
}

// Plain decimal numbers only, as in estimate.py (Number() alone would accept "0x10").
const NUMBER_RE = /^[ \t]*-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?[ \t]*$/;

export function checkInputs(values) {
  const problems = {};
  for (const [name, [low, high, whole]] of Object.entries(LIMITS)) {
    const v = values[name];
    if (v === undefined || v === null || String(v).replace(/^[ \t]+|[ \t]+$/g, "") === "") {
      problems[name] = "missing";
      continue;
    }
    if (!NUMBER_RE.test(String(v))) {
      problems[name] = "number";
      continue;
    }
    const x = Number(v);
    if (!Number.isFinite(x)) problems[name] = "range";
    else if (x < low || x > high) problems[name] = "range";
    else if (whole && !Number.isInteger(x)) problems[name] = "whole";
  }
  if (!problems.params_b && !problems.active_b && Number(values.active_b) > Number(values.params_b)) {
    problems.active_b = "active";
  }
  return problems;
}

// ---- the form (only in a browser) ----

function setup(root) {
  const form = root.querySelector("form");
  const chips = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  const models = JSON.parse(root.dataset.models);
  const out = root.querySelector("tbody");
  const model = form.elements.model;

  function fillModel() {
    const m = models[model.value];
    if (!m) return;
    form.elements.params_b.value = m.params_b;
    form.elements.active_b.value = m.active_b;
    form.elements.kv_kib.value = m.kv_kib;
  }

  function run() {
    const values = {};
    for (const name of Object.keys(LIMITS)) values[name] = form.elements[name].value;
    const problems = checkInputs(values);
    for (const name of Object.keys(LIMITS)) {
      const field = form.elements[name];
      const message = root.querySelector(`#${field.id}-error`);
      const code = problems[name];
      field.setAttribute("aria-invalid", code ? "true" : "false");
      message.textContent = code ? field.dataset["msg" + code[0].toUpperCase() + code.slice(1)] || root.dataset.msgInvalid : "";
    }
    out.replaceChildren();
    const status = root.querySelector("[role=status]");
    if (Object.keys(problems).length) {
      status.textContent = root.dataset.msgFix;
      return;
    }
    status.textContent = "";
    const precision = form.elements.precision.value;
    for (const chip of chips) {
      const r = estimate(chip, Number(values.params_b), Number(values.active_b), precision,
        Number(values.kv_kib), Number(values.batch), Number(values.context), Number(values.chips));
      const row = document.createElement("tr");
      const cells = [
        chip.name,
        (r.fits ? root.dataset.yes : root.dataset.no) + " (" + show(r.memory_used_gb) + " / " + show(r.memory_gb) + " GB)",
        show(r.tokens_per_s),
        show(r.tokens_per_s_each),
        r.bound === "memory" ? root.dataset.boundMemory : root.dataset.boundCompute,
        show(r.prefill_s),
      ];
      cells.forEach((text, i) => {
        const cell = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) cell.scope = "row";
        else cell.className = "num";
        cell.textContent = text;
        row.append(cell);
      });
      if (!r.fits) row.className = "nofit";
      out.append(row);
    }
  }

  model.addEventListener("change", () => { fillModel(); run(); });
  form.addEventListener("input", run);
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  root.hidden = false;
  fillModel();
  run();
}

if (typeof document !== "undefined") {
  for (const root of document.querySelectorAll("[data-estimator]")) setup(root);
}
