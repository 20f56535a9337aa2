// Internal: moving a grouping's codes (and optional weights) into a ranking's order.

// Group codes move to ranked order by scatter (sequential reads, random writes): several times
// faster than gathering groups[order[j]], and kept in a loop of its own — mixed with the
// per-group accumulations, one loop runs slower than the two apart.
export function scatterGroups(groups: Int32Array, nGroups: number, rank: Int32Array, rankedGroups: RankedGroups, missing: Float64Array): number {
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (g >= nGroups) return i;
    const r = rank[i];
    if (r >= 0) rankedGroups[r] = g;
    else if (g >= 0) missing[g]++;
  }
  return -1;
}

export function scatterWeighted(groups: Int32Array, nGroups: number, rank: Int32Array, weight: Float64Array, rankedGroups: RankedGroups, rankedWeight: Float64Array, missing: Float64Array): number {
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (g >= nGroups) return i;
    const r = rank[i];
    if (r < 0) {
      if (g >= 0) missing[g]++;
      continue;
    }
    const w = weight[i];
    if (w >= 0 && w < Infinity) {
      rankedGroups[r] = g;
      rankedWeight[r] = w;
    } else {
      rankedGroups[r] = -1;
      if (g >= 0) missing[g]++;
    }
  }
  return -1;
}

/** Group codes in ranked order: one byte each when they fit (a quarter of the memory traffic of the scatter). */
export type RankedGroups = Int8Array | Int32Array;

/** Group codes (and weights, when given) of a ranking's rows in ranked order; throws on a bad code. */
export function rankedGroupsOf(rank: Int32Array, size: number, groups: Int32Array, nGroups: number, weight: Float64Array | undefined, missing: Float64Array): { groups: RankedGroups; weight: Float64Array | null } {
  const rankedGroups = nGroups <= 127 ? new Int8Array(size) : new Int32Array(size);
  const rankedWeight = weight ? new Float64Array(size) : null;
  const bad = weight ? scatterWeighted(groups, nGroups, rank, weight, rankedGroups, rankedWeight as Float64Array, missing) : scatterGroups(groups, nGroups, rank, rankedGroups, missing);
  if (bad >= 0) throw new RangeError(`group code ${groups[bad]} out of range (nGroups = ${nGroups}; use -1 to exclude a row)`);
  return { groups: rankedGroups, weight: rankedWeight };
}
