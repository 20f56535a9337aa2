import { Table, type Model, type Predictions } from '../../src/index.js';
import type { BoundLearner, Fitted, Learner } from '../../src/mitigate/index.js';
import { Random } from '../../src/stats/index.js';

/**
 * A seeded biased-lending table: numeric features (one with missing values), a categorical one
 * (with a missing value), the sensitive `group` (A is the majority and is favoured by the label),
 * a binary label `approved` (yes/no) and a numeric `amount` (whose dependence on debt differs by group).
 */
export function lendingTable(n: number, seed: number): Table {
  const r = new Random(seed);
  const income: (number | null)[] = [];
  const debt: number[] = [];
  const region: (string | null)[] = [];
  const group: string[] = [];
  const approved: string[] = [];
  const amount: number[] = [];
  const regions = ['north', 'south', 'east'];
  for (let i = 0; i < n; i++) {
    const g = r.next() < 0.65 ? 'A' : 'B';
    const inc = r.normal(g === 'A' ? 1 : 0.2, 1);
    const d = r.normal(0, 1);
    const reg = regions[r.int(3)];
    const z = 1.2 * inc - 0.8 * d + (reg === 'north' ? 0.5 : reg === 'south' ? -0.4 : 0) + (g === 'A' ? 0.7 : -0.3) + r.normal(0, 0.8);
    income.push(i % 17 === 5 ? null : inc);
    debt.push(d);
    region.push(i % 23 === 7 ? null : reg);
    group.push(g);
    approved.push(z > 0.6 ? 'yes' : 'no');
    // Debt weighs differently in group B: one linear fit for both must favour one group.
    amount.push(10 + 3 * inc + (g === 'B' ? 1 : -2) * d + 0.5 * r.normal(0, 1));
  }
  return Table.from({ income, debt, region, group, approved, amount });
}

/** Exact weighted error of every threshold stump on one numeric column: `x > t` or `x ≤ t`, t over −∞ and the values. */
export interface Stump {
  readonly threshold: number;
  /** True: positive when x > threshold; false: positive when x ≤ threshold. */
  readonly above: boolean;
}

export function stumpDecisions(x: ArrayLike<number>, s: Stump): Float64Array {
  return Float64Array.from({ length: x.length }, (_, i) => ((x[i] > s.threshold) === s.above ? 1 : 0));
}

/** Every stump on `x`: both directions at −∞ (the two constants) and at each distinct value. */
export function allStumps(x: ArrayLike<number>): Stump[] {
  const values = [...new Set(Array.from(x))].sort((a, b) => a - b);
  return [-Infinity, ...values].flatMap((threshold) => [
    { threshold, above: true },
    { threshold, above: false },
  ]);
}

function stumpModel(column: string, s: Stump, classes: readonly string[]): Model {
  return {
    name: 'stump',
    task: 'binary',
    classes,
    inputs: [{ name: column, type: 'numeric' }],
    async predict(table: Table): Promise<Predictions> {
      const col = table.column(column);
      if (col.type !== 'numeric') throw new Error('numeric column expected');
      const d = stumpDecisions(col.values, s);
      return { task: 'binary', classes, labels: Int32Array.from(d), scores: [Float64Array.from(d, (v) => 1 - v), d] };
    },
  };
}

/**
 * A learner that minimises the weighted error exactly over every stump on `column` (by brute
 * force): the exact best-response oracle the reductions' guarantees assume.
 */
export function stumpLearner(column: string): Learner {
  return {
    name: 'stump',
    task: 'binary',
    bind({ table, classes }): BoundLearner {
      const col = table.column(column);
      if (col.type !== 'numeric') throw new Error('numeric column expected');
      const x = col.values;
      const stumps = allStumps(x);
      return {
        fit(target: Float64Array, weight: Float64Array): Fitted {
          let best = stumps[0];
          let bestError = Infinity;
          for (const s of stumps) {
            let e = 0;
            for (let i = 0; i < x.length; i++) if (((x[i] > s.threshold) === s.above ? 1 : 0) !== target[i]) e += weight[i];
            if (e < bestError - 1e-12) {
              bestError = e;
              best = s;
            }
          }
          return { model: stumpModel(column, best, classes), train: stumpDecisions(x, best) };
        },
      };
    },
  };
}
