// The cohort conformance suite: every backend (in memory, DuckDB) must select these rows.
import { Table } from '../../src/index.js';

export interface MaskCase {
  readonly expression: string;
  readonly rows: readonly number[];
}

/**
 * Six people with a missing value in most columns, NaN as well as null among the numbers.
 *
 * | row | age  | sex   | income | active | conditions         | hours per week |
 * | 0   | 25   | F     | 20000  | true   | [diabetes]         | 40             |
 * | 1   | 61   | M     | 50000  | false  | []                 | 20             |
 * | 2   | null | F     | 35000  | null   | null               | 10             |
 * | 3   | 40   | null  | null   | true   | [asthma, diabetes] | null           |
 * | 4   | NaN  | Other | 100000 | false  | [asthma]           | 45             |
 * | 5   | 70   | M     | 0      | null   | []                 | 0              |
 */
export const people = Table.from({
  age: [25, 61, null, 40, NaN, 70],
  sex: ['F', 'M', 'F', null, 'Other', 'M'],
  income: [20000, 50000, 35000, null, 100000, 0],
  active: [true, false, null, true, false, null],
  conditions: [['diabetes'], [], null, ['asthma', 'diabetes'], ['asthma'], []],
  'hours per week': [40, 20, 10, null, 45, 0],
});

const all = [0, 1, 2, 3, 4, 5];

export const maskCases: readonly MaskCase[] = [
  // Comparisons with a missing value are unknown, and so is their negation.
  { expression: 'age > 40', rows: [1, 5] },
  { expression: 'not age > 40', rows: [0, 3] },
  { expression: 'age > 40 or not age > 40', rows: [0, 1, 3, 5] },
  { expression: 'age != 40', rows: [0, 1, 5] },
  { expression: 'age is null', rows: [2, 4] },
  { expression: 'age is not null', rows: [0, 1, 3, 5] },
  // unknown and false = false; unknown or true = true.
  { expression: "not (age > 100 and sex = 'F')", rows: [0, 1, 3, 4, 5] },
  { expression: "age > 100 or sex = 'F'", rows: [0, 2] },
  { expression: "not (age > 30 or sex = 'M')", rows: [0] },
  // in: no match with a null in the list is unknown.
  { expression: "sex in ('F', 'Other')", rows: [0, 2, 4] },
  { expression: "sex not in ('F', 'Other')", rows: [1, 5] },
  { expression: "sex in ('X', null)", rows: [] },
  { expression: "sex not in ('X', null)", rows: [] },
  { expression: "sex not in ('F', null)", rows: [] },
  { expression: 'age in (25, 40, null)', rows: [0, 3] },
  { expression: 'age not in (25, 40)', rows: [1, 5] },
  { expression: 'active in (true)', rows: [0, 3] },
  { expression: 'active not in (true, null)', rows: [] },
  // between includes both ends.
  { expression: 'income between 20000 and 50000', rows: [0, 1, 2] },
  { expression: 'income not between 20000 and 50000', rows: [4, 5] },
  { expression: 'income between age and 30000', rows: [0] },
  // Lists: a missing list is unknown, an empty one simply lacks the value.
  { expression: "'diabetes' in conditions", rows: [0, 3] },
  { expression: "'diabetes' not in conditions", rows: [1, 4, 5] },
  { expression: "not 'asthma' in conditions", rows: [0, 1, 5] },
  { expression: 'conditions is null', rows: [2] },
  // Booleans stand alone and compare as false < true.
  { expression: 'active', rows: [0, 3] },
  { expression: 'not active', rows: [1, 4] },
  { expression: 'active = false', rows: [1, 4] },
  { expression: 'active > false', rows: [0, 3] },
  { expression: 'active or age > 65', rows: [0, 3, 5] },
  { expression: 'active is null', rows: [2, 5] },
  { expression: '(age > 40) != active', rows: [0, 1, 3] },
  { expression: 'active = active', rows: [0, 1, 3, 4] },
  // Quoted names and arithmetic; x / 0 is missing.
  { expression: '"hours per week" >= 40', rows: [0, 4] },
  { expression: '`hours per week` * 2 > income / 1000', rows: [0] },
  { expression: 'income / (age - 25) > 1000', rows: [1] },
  { expression: 'income / 0 is null', rows: all },
  { expression: '-age < -50', rows: [1, 5] },
  { expression: 'age + 1 = 26', rows: [0] },
  { expression: 'age - age * 2 / 2 = 0', rows: [0, 1, 3, 5] },
  // Text compares byte-wise, missing text is unknown.
  { expression: "sex < 'G'", rows: [0, 2] },
  { expression: "sex >= 'M'", rows: [1, 4, 5] },
  { expression: "sex between 'A' and 'N'", rows: [0, 1, 2, 5] },
  { expression: 'sex = sex', rows: [0, 1, 2, 4, 5] },
  { expression: "'b' > 'a'", rows: all },
  // Constants.
  { expression: 'true', rows: all },
  { expression: 'false', rows: [] },
  { expression: 'null', rows: [] },
  { expression: 'not null', rows: [] },
  { expression: 'null is null', rows: all },
  { expression: 'null or true', rows: all },
  { expression: 'null and false', rows: [] },
  { expression: 'not (null and false)', rows: all },
  // Overflow is ±Infinity (compares as a number); Infinity - Infinity is NaN, hence missing.
  { expression: 'income * 1e305 > 1.7e308', rows: [0, 1, 2, 4] },
  { expression: 'income * 1e305 - income * 1e305 is null', rows: [0, 1, 2, 3, 4] },
];
