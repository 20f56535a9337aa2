import { groupLabel, groupRows, type Grouping as CoreGrouping, type Table } from '../../../src/index.js';

/**
 * A sensitive grouping (one column, or the intersection of several) encoded once over the rows in
 * the analysis by the core's own `groupRows`, so the page's groups are named and ordered exactly
 * as `candor assess` names and orders them; plus each group's `A | B` label.
 */
export interface Grouping extends CoreGrouping {
  /** `A | B`: the name `assess` gives a group in reference keys. */
  readonly labels: string[];
}

/** Encodes the grouping `by` over the rows where `usable` is 1. */
export function encodeGrouping(table: Table, by: readonly string[], usable: Uint8Array, maxGroups = 1000): Grouping {
  const grouping = groupRows(table, by, usable, maxGroups);
  return { ...grouping, labels: grouping.keys.map((k) => groupLabel(k, by)) };
}

/** The grouping's key, `a,b`, as `assess` keys references. */
export const groupingKey = (by: readonly string[]) => by.join(',');
