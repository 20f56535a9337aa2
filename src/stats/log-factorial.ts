const TABLE_SIZE = 256;
const TABLE = new Float64Array(TABLE_SIZE);
for (let k = 2; k < TABLE_SIZE; k++) TABLE[k] = TABLE[k - 1] + Math.log(k);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln(k!) for a non-negative integer k: a table below 256, Stirling's series with three
 * correction terms above (error below 1e-16 relative there).
 */
export function logFactorial(k: number): number {
  if (k < TABLE_SIZE) return TABLE[k];
  const inv = 1 / k;
  const inv2 = inv * inv;
  // ln k! = k ln k - k + ½ ln(2πk) + 1/(12k) - 1/(360k³) + 1/(1260k⁵)  (Stirling series)
  return (k + 0.5) * Math.log(k) - k + HALF_LOG_2PI + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}
