import { userError } from '../errors/index.js';
import type { ZeroDivision } from './metric-value.js';

// Internal checks shared by the metric functions. Mismatched lengths and bad group counts are
// programming errors (the Table guarantees equal lengths), so they throw plain errors.

export function checkGroups(groups: Int32Array, nGroups: number): void {
  if (!(groups instanceof Int32Array)) throw new TypeError('groups must be an Int32Array of group codes (-1 = excluded)');
  if (!(Number.isInteger(nGroups) && nGroups >= 0)) throw new RangeError(`invalid nGroups: ${nGroups} (expected a non-negative integer)`);
}

export function checkLength(name: string, array: ArrayLike<unknown> | undefined | null, n: number): void {
  if (array != null && array.length !== n) throw new RangeError(`${name} has ${array.length} rows, expected ${n}`);
}

export function groupOutOfRange(g: number, nGroups: number): Error {
  return new RangeError(`group code ${g} out of range (nGroups = ${nGroups}; use -1 to exclude a row)`);
}

export function checkZeroDivision(z: unknown): ZeroDivision {
  if (z === 'null' || z === 0) return z;
  throw userError('invalid_option', `invalid zeroDivision: ${JSON.stringify(z)} (expected 'null' or 0)`, { zeroDivision: z });
}
