import { userError } from '../errors/index.js';
import { normalQuantile } from './normal-quantile.js';

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

/** SplitMix32: spreads a 32-bit seed into well-mixed state words (never all zero in practice). */
function splitMix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let t = state.s ^ (state.s >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  return (t ^ (t >>> 15)) >>> 0;
}

/**
 * A seeded pseudo-random generator: xoshiro128** 1.1 (Blackman & Vigna, 2018), 32-bit state
 * words updated with `Math.imul` and shifts, so a seed gives the same stream bit for bit in every
 * JavaScript engine. The four state words come from SplitMix32 applied to the seed.
 *
 * Doubles use 53 random bits (two outputs). Normals are drawn by inversion
 * ({@link normalQuantile}, Wichura's AS241), one double each, so streams stay aligned.
 * Sampling methods that use `Math.log`/`Math.exp` (binomial rejection) are bit-reproducible within
 * one JavaScript engine; V8 (Node, Chromium) uses the same fdlibm-derived functions everywhere.
 *
 * @example
 * const rng = new Random(42);
 * rng.next();      // double in [0, 1)
 * rng.int(6);      // integer in 0..5
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any finite number; it is reduced to a 32-bit integer (reported seeds should be integers). */
  constructor(readonly seed: number = 0) {
    if (!Number.isFinite(seed)) throw userError('invalid_seed', `invalid seed: ${seed} (expected a finite integer)`, { seed });
    const st = { s: Math.trunc(seed) | 0 };
    this.a = splitMix32(st);
    this.b = splitMix32(st);
    this.c = splitMix32(st);
    this.d = splitMix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * TWO_POW_26 + lo) / TWO_POW_53;
  }

  /** Uniform double in the open interval (0, 1): never exactly 0 or 1. */
  nextOpen(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * TWO_POW_26 + lo + 0.5) / TWO_POW_53;
  }

  /** Uniform double in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /**
   * Uniform integer in 0..n-1, unbiased for n up to 2^32 (rejection of the uneven tail);
   * beyond that, floor(next() * n).
   */
  int(n: number): number {
    if (!(n >= 1)) throw userError('invalid_range', `invalid range size: ${n} (expected a positive integer)`, { n });
    if (n <= 4294967296) {
      const limit = 4294967296 - (4294967296 % n);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return x % n;
    }
    return Math.floor(this.next() * n);
  }

  /** Normal deviate with the given mean and standard deviation (inversion of one open uniform). */
  normal(mean = 0, sd = 1): number {
    return mean + sd * normalQuantile(this.nextOpen());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
