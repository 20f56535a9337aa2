/** Levenshtein edit distance between two strings (case-insensitive comparison is up to the caller). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let curr = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      curr[j] = Math.min(prev[j] + 1, curr[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length];
}

/**
 * The closest candidates to `name` (by case-insensitive edit distance, then prefix/substring
 * matches), at most `limit`, for "did you mean" messages.
 */
export function closestNames(name: string, candidates: readonly string[], limit = 3): string[] {
  const target = name.toLowerCase();
  const scored = candidates.map((c) => {
    const lc = c.toLowerCase();
    let d = editDistance(target, lc);
    if (lc.includes(target) || target.includes(lc)) d = Math.min(d, Math.abs(lc.length - target.length) * 0.5);
    return { c, d };
  });
  const maxDistance = Math.max(2, Math.floor(target.length / 2));
  return scored
    .filter((s) => s.d <= maxDistance)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, limit)
    .map((s) => s.c);
}

/** `(did you mean "a" or "b"?)`, or an empty string when there is nothing close. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const close = closestNames(name, candidates);
  if (close.length === 0) return '';
  const quoted = close.map((c) => JSON.stringify(c));
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  return ` (did you mean ${list}?)`;
}
