import { join } from 'node:path';
import type { AssessOptions } from '../assess/index.js';
import { encodeTable } from '../report/embed.js';
import { renderReport } from '../report/html.js';
import type { Insights } from '../report/insights.js';
import type { Table } from '../table/index.js';
import { writeFileAtomic } from './atomic-write.js';
import { loadReportClient } from './report.js';

/** Rows embedded in report.html for in-page cohort recomputation; above this a seeded sample. */
export const REPORT_MAX_ROWS = 200_000;

/**
 * Writes `insights.json` and a self-contained `report.html` into `dir`, each atomically. The report
 * carries the rows (or a seeded sample above {@link REPORT_MAX_ROWS}) so a reader can recompute any
 * cohort in the page with the same core code.
 */
export async function writeAssessOutputs(dir: string, insights: Insights, table: Table, options: AssessOptions): Promise<void> {
  const { onProgress: _ignored, ...plain } = options;
  await writeFileAtomic(join(dir, 'insights.json'), `${JSON.stringify(insights, null, 2)}\n`);
  const data = encodeTable(table, { maxRows: REPORT_MAX_ROWS, seed: options.seed ?? 0, options: plain });
  const html = renderReport({ insights, data, clientScript: await loadReportClient() });
  await writeFileAtomic(join(dir, 'report.html'), html);
}
