const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = (() => {
  const t = new Uint8Array(128).fill(255);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/**
 * Standard base64 (RFC 4648, with padding) of `bytes`. Pure TypeScript so that the report renders
 * the same in Node and in the browser, without `Buffer` or `btoa`.
 */
export function bytesToBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const parts: string[] = [];
  // Chunks keep each String.fromCharCode call well under engines' argument limits.
  const CHUNK = 3 * 8192;
  const codes = new Uint16Array(Math.ceil(Math.min(n, CHUNK) / 3) * 4);
  const A = ALPHABET;
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    let k = 0;
    let i = start;
    for (; i + 2 < end; i += 3) {
      const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      codes[k++] = A.charCodeAt(v >>> 18);
      codes[k++] = A.charCodeAt((v >>> 12) & 63);
      codes[k++] = A.charCodeAt((v >>> 6) & 63);
      codes[k++] = A.charCodeAt(v & 63);
    }
    const rest = end - i;
    if (rest === 1) {
      const v = bytes[i] << 16;
      codes[k++] = A.charCodeAt(v >>> 18);
      codes[k++] = A.charCodeAt((v >>> 12) & 63);
      codes[k++] = 61;
      codes[k++] = 61;
    } else if (rest === 2) {
      const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
      codes[k++] = A.charCodeAt(v >>> 18);
      codes[k++] = A.charCodeAt((v >>> 12) & 63);
      codes[k++] = A.charCodeAt((v >>> 6) & 63);
      codes[k++] = 61;
    }
    parts.push(String.fromCharCode.apply(null, codes.subarray(0, k) as unknown as number[]));
  }
  return parts.join('');
}

/** Decodes standard base64 (padding optional); throws on any other character. */
export function base64ToBytes(text: string): Uint8Array {
  let len = text.length;
  while (len > 0 && text.charCodeAt(len - 1) === 61) len--;
  if (len % 4 === 1) throw new Error(`invalid base64: length ${text.length}`);
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let k = 0;
  let i = 0;
  const sextet = (j: number): number => {
    const c = text.charCodeAt(j);
    const v = c < 128 ? LOOKUP[c] : 255;
    if (v === 255) throw new Error(`invalid base64 character at ${j}: ${JSON.stringify(text[j])}`);
    return v;
  };
  for (; i + 3 < len; i += 4) {
    const v = (sextet(i) << 18) | (sextet(i + 1) << 12) | (sextet(i + 2) << 6) | sextet(i + 3);
    out[k++] = v >>> 16;
    out[k++] = (v >>> 8) & 255;
    out[k++] = v & 255;
  }
  const rest = len - i;
  if (rest === 2) {
    const v = (sextet(i) << 18) | (sextet(i + 1) << 12);
    out[k++] = v >>> 16;
  } else if (rest === 3) {
    const v = (sextet(i) << 18) | (sextet(i + 1) << 12) | (sextet(i + 2) << 6);
    out[k++] = v >>> 16;
    out[k++] = (v >>> 8) & 255;
  }
  return out;
}
