import { didYouMean, userError } from '../errors/index.js';
import { Bitset } from './bitset.js';
import {
  booleanColumn,
  categoricalColumn,
  type Column,
  columnLength,
  listColumn,
  numericColumn,
  type Role,
  takeColumn,
  type Value,
  valueAt,
} from './column.js';

/** A column's name, storage type and role. */
export interface Field {
  readonly name: string;
  readonly type: Column['type'];
  readonly role: Role;
}

/**
 * A columnar table: typed-array columns of equal length. Immutable; operations return new tables
 * that share column data where they can.
 * @example
 * const t = Table.from({ age: [30, 61], sex: ['F', 'M'] });
 * t.column('age'); // NumericColumn
 */
export class Table {
  readonly rowCount: number;
  private readonly byName: Map<string, Column>;

  constructor(readonly columns: readonly Column[], rowCount?: number) {
    this.byName = new Map();
    let n = rowCount;
    for (const c of columns) {
      if (this.byName.has(c.name)) throw userError('duplicate_column', `duplicate column name: ${JSON.stringify(c.name)} (rename one of them)`, { column: c.name });
      const len = columnLength(c);
      if (n === undefined) n = len;
      else if (len !== n) throw new Error(`column ${JSON.stringify(c.name)} has ${len} rows, expected ${n}`);
      this.byName.set(c.name, c);
    }
    this.rowCount = n ?? 0;
  }

  /**
   * A table from plain arrays, one per column. Numbers make numeric columns, strings categorical,
   * booleans boolean, string arrays list columns; null/undefined are missing. For tests and small data.
   */
  static from(data: Record<string, ArrayLike<Value | undefined>>): Table {
    const columns: Column[] = [];
    for (const [name, values] of Object.entries(data)) {
      let kind: 'numeric' | 'categorical' | 'boolean' | 'list' = 'numeric';
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v === null || v === undefined) continue;
        kind = typeof v === 'string' ? 'categorical' : typeof v === 'boolean' ? 'boolean' : Array.isArray(v) ? 'list' : 'numeric';
        break;
      }
      if (kind === 'numeric') columns.push(numericColumn(name, values as ArrayLike<number | null>));
      else if (kind === 'categorical') columns.push(categoricalColumn(name, values as ArrayLike<string | null>));
      else if (kind === 'boolean') columns.push(booleanColumn(name, values as ArrayLike<boolean | null>));
      else columns.push(listColumn(name, values as ArrayLike<string[] | null>));
    }
    return new Table(columns);
  }

  /** Column names in order. */
  names(): string[] {
    return this.columns.map((c) => c.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The named column; a user error naming the closest columns when there is none. */
  column(name: string): Column {
    const c = this.byName.get(name);
    if (!c) {
      throw userError('unknown_column', `unknown column: ${JSON.stringify(name)}${didYouMean(name, this.names())}; columns are ${this.names().slice(0, 20).join(', ')}${this.columns.length > 20 ? ', …' : ''}`, {
        column: name,
      });
    }
    return c;
  }

  /** The schema: name, type and role of each column (role defaults to `feature`). */
  schema(): Field[] {
    return this.columns.map((c) => ({ name: c.name, type: c.type, role: c.role ?? 'feature' }));
  }

  /** A table with only the named columns, in that order. */
  select(names: readonly string[]): Table {
    return new Table(
      names.map((n) => this.column(n)),
      this.rowCount,
    );
  }

  /** A table with `column` added, or replacing the column of the same name. */
  withColumn(column: Column): Table {
    if (columnLength(column) !== this.rowCount) throw new Error(`column ${JSON.stringify(column.name)} has ${columnLength(column)} rows, expected ${this.rowCount}`);
    const cols = this.columns.filter((c) => c.name !== column.name);
    const at = this.columns.findIndex((c) => c.name === column.name);
    if (at >= 0) cols.splice(at, 0, column);
    else cols.push(column);
    return new Table(cols, this.rowCount);
  }

  /** Rows at `indices`, in that order. */
  take(indices: ArrayLike<number>): Table {
    return new Table(
      this.columns.map((c) => takeColumn(c, indices)),
      indices.length,
    );
  }

  /** The rows set in `mask`. */
  filter(mask: Bitset): Table {
    if (mask.size !== this.rowCount) throw new Error(`mask has ${mask.size} rows, table has ${this.rowCount}`);
    return this.take(mask.toIndices());
  }

  /** Row i as a plain object (for display and tests, not hot loops). */
  row(i: number): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (const c of this.columns) out[c.name] = valueAt(c, i);
    return out;
  }
}
