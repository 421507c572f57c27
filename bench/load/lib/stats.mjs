// Percentiles over raw samples (bounded runs keep every sample; no histogram rounding).

/** Concatenates Float64Arrays. */
export function concat(arrays) {
  const n = arrays.reduce((s, a) => s + a.length, 0);
  const out = new Float64Array(n);
  let at = 0;
  for (const a of arrays) { out.set(a, at); at += a.length; }
  return out;
}

/** { count, p50, p95, p99, max, mean } of `samples` (ms); nulls when empty. */
export function summary(samples) {
  const n = samples.length;
  if (n === 0) return { count: 0, p50: null, p95: null, p99: null, max: null, mean: null };
  const s = Float64Array.from(samples).sort();
  const at = (q) => s[Math.min(n - 1, Math.ceil(q * n) - 1)];
  let sum = 0;
  for (const v of s) sum += v;
  return { count: n, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s[n - 1], mean: sum / n };
}

/** A growable Float64Array. */
export class samples {
  constructor(capacity = 1024) { this.data = new Float64Array(capacity); this.length = 0; }
  push(v) {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  array() { return this.data.subarray(0, this.length); }
}
