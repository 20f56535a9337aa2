import { userError } from '../errors/index.js';
import { logFactorial } from './log-factorial.js';
import type { Random } from './random.js';

/**
 * A Binomial(n, p) draw, exactly distributed (no normal approximation).
 *
 * Algorithm: with p folded to ≤ ½ (X = n − Binomial(n, 1 − p) otherwise), a mean n·p below 10
 * uses sequential inversion of the CDF (the BINV of Kachitvichyanukul & Schmeiser, 1988; on
 * average n·p + 1 uniforms); a larger mean uses BTRS, the transformed rejection with squeeze of
 * Hörmann (1993), "The generation of binomial random variates", J. Stat. Comput. Simul. 46 —
 * O(1) expected time (about 1.2 pairs of uniforms) for any n.
 * @param n a non-negative integer (up to 2^53)
 * @param p a probability in [0, 1]
 */
export function sampleBinomial(random: Random, n: number, p: number): number {
  if (!(Number.isInteger(n) && n >= 0)) throw userError('invalid_binomial', `invalid binomial size: ${n} (expected a non-negative integer)`, { n });
  if (!(p >= 0 && p <= 1)) throw userError('invalid_binomial', `invalid binomial probability: ${p} (expected 0..1)`, { p });
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  if (p > 0.5) return n - draw(random, n, 1 - p);
  return draw(random, n, p);
}

function draw(random: Random, n: number, p: number): number {
  return n * p < 10 ? inversion(random, n, p) : btrs(random, n, p);
}

function inversion(random: Random, n: number, p: number): number {
  const q = 1 - p;
  const s = p / q;
  const a = (n + 1) * s;
  // q^n via log1p keeps precision when p is tiny and n huge.
  const r0 = Math.exp(n * Math.log1p(-p));
  for (;;) {
    let u = random.next();
    let r = r0;
    let x = 0;
    while (u > r) {
      u -= r;
      x++;
      if (x > n) break;
      r *= a / x - s;
    }
    // Rounding can exhaust the mass before u does (u within ~1e-16 of 1): draw again.
    if (x <= n) return x;
  }
}

function btrs(random: Random, n: number, p: number): number {
  const q = 1 - p;
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = Math.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = logFactorial(m) + logFactorial(n - m);
  for (;;) {
    const u = random.next() - 0.5;
    let v = random.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = Math.log((v * alpha) / (a / (us * us) + b));
    if (v <= h - logFactorial(k) - logFactorial(n - k) + (k - m) * lpq) return k;
  }
}
