// Baseline (b): DuckDB computes each group's ROC AUC with a rank-sum window query (average ranks
// for ties), for the groupings s2, s5, s8 and s2 x s5.
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2].replace(/'/g, "''");
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const groupings = ['s2', 's5', 's8', 's2, s5'];
let groups = 0;
for (const g of groupings) {
  const reader = await c.runAndReadAll(`
    WITH r AS (
      SELECT ${g}, label,
             rank() OVER (PARTITION BY ${g} ORDER BY score) + (count(*) OVER (PARTITION BY ${g}, score) - 1) / 2.0 AS rk
      FROM read_parquet('${file}')
    )
    SELECT ${g}, (sum(rk) FILTER (WHERE label = 1) - sum(label) * (sum(label) + 1) / 2.0) / (sum(label) * (count(*) - sum(label))) AS auc
    FROM r GROUP BY ALL`);
  groups += reader.getRows().length;
}
process.stdout.write(`${groups} groups\n`);
