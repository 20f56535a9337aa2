import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { base64ToBytes, bytesToBase64, cspHash, sha256 } from '../../src/report/index.js';

test('sha256 matches node:crypto on edge lengths and random data', () => {
  const lengths = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 70_000];
  for (const n of lengths) {
    const data = randomBytes(n);
    assert.equal(Buffer.from(sha256(data)).toString('hex'), createHash('sha256').update(data).digest('hex'), `length ${n}`);
  }
  assert.equal(Buffer.from(sha256(new TextEncoder().encode('abc'))).toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('cspHash hashes the UTF-8 text the way browsers do', () => {
  const text = 'console.log("héllo — ✓")';
  assert.equal(cspHash(text), `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`);
});

test('base64 round-trips every remainder length and matches Buffer', () => {
  for (let n = 0; n < 40; n++) {
    const data = randomBytes(n);
    const text = bytesToBase64(data);
    assert.equal(text, Buffer.from(data).toString('base64'));
    assert.deepEqual(Buffer.from(base64ToBytes(text)), data);
  }
  const big = randomBytes(100_003);
  assert.equal(bytesToBase64(big), big.toString('base64'));
  assert.deepEqual(Buffer.from(base64ToBytes(big.toString('base64'))), big);
});

test('base64ToBytes rejects characters outside the alphabet', () => {
  assert.throws(() => base64ToBytes('ab$d'), /invalid base64 character at 2/);
  assert.throws(() => base64ToBytes('abcde'), /invalid base64/);
});
