import assert from 'node:assert/strict';

/**
 * `actual` equals `expected` to `tol` (absolute); a null expected value (a reference's NaN) must
 * be null. For conformance checks against ../shared/conformance.
 */
export function assertClose(actual: unknown, expected: unknown, what: string, tol = 1e-9): void {
  if (expected === null) {
    assert.equal(actual, null, `${what}: expected null (NaN), got ${actual}`);
    return;
  }
  assert.equal(typeof actual, 'number', `${what}: expected ${expected}, got ${actual}`);
  const diff = (actual as number) - (expected as number);
  assert.ok(Math.abs(diff) <= tol, `${what}: expected ${expected}, got ${actual} (diff ${diff})`);
}
