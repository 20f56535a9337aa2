export * from './column.js';
export { Bitset } from './bitset.js';
export { Table, type Field } from './table.js';
