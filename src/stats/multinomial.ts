import { userError } from '../errors/index.js';
import { sampleBinomial } from './binomial.js';
import type { Random } from './random.js';

/**
 * A Multinomial(n, probabilities) draw by conditional binomials: cell k gets
 * Binomial(remaining, p_k / (mass not yet assigned)), the last cell the remainder — exact, and
 * O(cells) binomial draws whatever n is. `probabilities` need not sum to 1 (they are relative
 * weights; zeros are fine); the result is written to `out` when given.
 * @example sampleMultinomial(new Random(1), 100, [0.2, 0.3, 0.5]) // Float64Array [19, 33, 48] (say)
 */
export function sampleMultinomial(random: Random, n: number, probabilities: ArrayLike<number>, out?: Float64Array): Float64Array {
  const k = probabilities.length;
  const result = out ?? new Float64Array(k);
  if (result.length < k) throw new RangeError(`multinomial output has ${result.length} cells, expected ${k}`);
  if (!(Number.isInteger(n) && n >= 0)) throw userError('invalid_multinomial', `invalid multinomial size: ${n} (expected a non-negative integer)`, { n });
  let total = 0;
  for (let i = 0; i < k; i++) {
    const p = probabilities[i];
    if (!(p >= 0 && p < Infinity)) throw userError('invalid_multinomial', `invalid multinomial probability: ${p} (expected a finite non-negative number)`, { p });
    total += p;
  }
  if (k === 0) return result;
  if (!(total > 0)) {
    if (n > 0) throw userError('invalid_multinomial', 'invalid multinomial probabilities: they sum to 0', {});
    result.fill(0, 0, k);
    return result;
  }
  let remaining = n;
  let mass = total;
  for (let i = 0; i < k - 1; i++) {
    const p = probabilities[i];
    if (remaining === 0 || p === 0) {
      result[i] = 0;
    } else {
      const x = sampleBinomial(random, remaining, Math.min(1, p / mass));
      result[i] = x;
      remaining -= x;
    }
    mass -= p;
    if (!(mass > 0)) {
      for (let j = i + 1; j < k; j++) result[j] = 0;
      result[i] += remaining;
      return result;
    }
  }
  result[k - 1] = remaining;
  return result;
}
