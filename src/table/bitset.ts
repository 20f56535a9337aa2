/**
 * A fixed-size set of row indices, one bit per row. Cohort masks are bitsets: 32 rows per word keep
 * masks of 10M rows at 1.25 MB and make and/or/not word-parallel.
 */
export class Bitset {
  readonly words: Uint32Array;
  constructor(
    readonly size: number,
    words?: Uint32Array,
  ) {
    this.words = words ?? new Uint32Array((size + 31) >>> 5);
  }

  /** A bitset with every row set. */
  static all(size: number): Bitset {
    const b = new Bitset(size);
    b.words.fill(0xffffffff);
    b.clearTail();
    return b;
  }

  /** A bitset from a 0/1 byte mask. */
  static fromMask(mask: ArrayLike<number>): Bitset {
    const b = new Bitset(mask.length);
    for (let i = 0; i < mask.length; i++) if (mask[i]) b.words[i >>> 5] |= 1 << (i & 31);
    return b;
  }

  /** A bitset with the given rows set. */
  static fromIndices(size: number, indices: ArrayLike<number>): Bitset {
    const b = new Bitset(size);
    for (let i = 0; i < indices.length; i++) b.set(indices[i]);
    return b;
  }

  get(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  set(i: number): void {
    this.words[i >>> 5] |= 1 << (i & 31);
  }

  clear(i: number): void {
    this.words[i >>> 5] &= ~(1 << (i & 31));
  }

  /** Number of rows set (population count). */
  count(): number {
    let total = 0;
    const w = this.words;
    for (let i = 0; i < w.length; i++) {
      let v = w[i];
      v = v - ((v >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      total += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return total;
  }

  and(other: Bitset): Bitset {
    this.checkSize(other);
    const out = new Uint32Array(this.words.length);
    for (let i = 0; i < out.length; i++) out[i] = this.words[i] & other.words[i];
    return new Bitset(this.size, out);
  }

  or(other: Bitset): Bitset {
    this.checkSize(other);
    const out = new Uint32Array(this.words.length);
    for (let i = 0; i < out.length; i++) out[i] = this.words[i] | other.words[i];
    return new Bitset(this.size, out);
  }

  /** Rows in this set and not in `other`. */
  andNot(other: Bitset): Bitset {
    this.checkSize(other);
    const out = new Uint32Array(this.words.length);
    for (let i = 0; i < out.length; i++) out[i] = this.words[i] & ~other.words[i];
    return new Bitset(this.size, out);
  }

  not(): Bitset {
    const out = new Uint32Array(this.words.length);
    for (let i = 0; i < out.length; i++) out[i] = ~this.words[i];
    const b = new Bitset(this.size, out);
    b.clearTail();
    return b;
  }

  /** The set rows in ascending order. */
  toIndices(): Uint32Array {
    const out = new Uint32Array(this.count());
    let k = 0;
    const w = this.words;
    for (let i = 0; i < w.length; i++) {
      let v = w[i];
      while (v !== 0) {
        const t = v & -v;
        out[k++] = (i << 5) + (31 - Math.clz32(t));
        v ^= t;
      }
    }
    return out;
  }

  /** A 0/1 byte per row. */
  toMask(): Uint8Array {
    const out = new Uint8Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = (this.words[i >>> 5] >>> (i & 31)) & 1;
    return out;
  }

  private clearTail(): void {
    const rem = this.size & 31;
    if (rem !== 0) this.words[this.words.length - 1] &= (1 << rem) - 1;
  }

  private checkSize(other: Bitset): void {
    if (other.size !== this.size) throw new Error(`bitset sizes differ: ${this.size} vs ${other.size}`);
  }
}
