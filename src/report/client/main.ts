// The report's in-page script: the cohort explorer. It decodes the rows embedded in the page and
// runs the same core `assess` the report was made with on the rows of the typed cohort. No network,
// no eval: expressions go through the cohort parser, results through the same HTML renderers.
import { assess, evaluateMask, isUserError, parseExpression, type Table } from '../../index.js';
import { decodeTable, type EmbeddedData } from '../embed.js';
import { explorerOptions } from '../explore.js';
import { DATA_ELEMENT_ID, INSIGHTS_ELEMENT_ID } from '../html.js';
import type { Insights } from '../insights.js';
import { type HistoryEntry, renderCohortResult, renderHistory } from '../sections.js';

const MAX_HISTORY = 12;

function readJson<T>(id: string): T | undefined {
  const el = document.getElementById(id);
  return el?.textContent ? (JSON.parse(el.textContent) as T) : undefined;
}

function byId<T extends HTMLElement>(id: string): T | null {
  return document.getElementById(id) as T | null;
}

/** The outcome of one exploration, also exposed to tests as `window.candorExplorer.last`. */
export interface ExploreOutcome {
  expression: string;
  ok: boolean;
  count?: number;
  metrics?: Record<string, number | null>;
  error?: string;
}

function start(): void {
  const form = byId<HTMLFormElement>('explore-form');
  const input = byId<HTMLInputElement>('cohort-input');
  const bootstrapSelect = byId<HTMLSelectElement>('cohort-bootstrap');
  const runButton = byId<HTMLButtonElement>('cohort-run');
  const errorBox = byId<HTMLPreElement>('cohort-error');
  const status = byId<HTMLDivElement>('cohort-status');
  const resultBox = byId<HTMLDivElement>('cohort-result');
  const historyBox = byId<HTMLDivElement>('cohort-history');
  if (!form || !input || !errorBox || !status || !resultBox || !historyBox) return;
  const insights = readJson<Insights>(INSIGHTS_ELEMENT_ID);
  const data = readJson<EmbeddedData>(DATA_ELEMENT_ID);
  if (!insights || !data?.options) return;
  const options = data.options;

  let table: Table | undefined;
  const history: HistoryEntry[] = [];
  const explorer = { last: undefined as ExploreOutcome | undefined, runs: 0 };
  (window as unknown as { candorExplorer: typeof explorer }).candorExplorer = explorer;

  const showError = (message: string) => {
    errorBox.textContent = message;
    errorBox.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    resultBox.dataset.state = 'error';
  };
  const clearError = () => {
    errorBox.textContent = '';
    errorBox.hidden = true;
    input.removeAttribute('aria-invalid');
  };
  const finish = (outcome: ExploreOutcome) => {
    explorer.last = outcome;
    explorer.runs++;
    if (runButton) runButton.disabled = false;
    form.removeAttribute('aria-busy');
  };

  const compute = (expression: string, bootstrap: number): void => {
    try {
      table ??= decodeTable(data);
      const mask = evaluateMask(parseExpression(expression), table);
      const matched = mask.count();
      if (matched === 0) {
        status.textContent = '';
        resultBox.innerHTML = `<p class="muted">No rows match <code></code>.</p>`;
        resultBox.querySelector('code')!.textContent = expression;
        resultBox.dataset.state = 'empty';
        finish({ expression, ok: true, count: 0, metrics: {} });
        return;
      }
      const rows = table.filter(mask);
      const run = explorerOptions(options, insights, rows, bootstrap);
      const result = assess(rows, run.options);
      resultBox.innerHTML = renderCohortResult({ expression, result, baseline: insights, matched, of: table.rowCount, bootstrap, notes: run.notes });
      resultBox.dataset.state = 'done';
      status.textContent = `Computed ${expression} — ${matched} rows.`;
      const existing = history.findIndex((h) => h.expression === expression);
      if (existing >= 0) history.splice(existing, 1);
      history.unshift({ expression, count: matched, metrics: result.overall });
      history.length = Math.min(history.length, MAX_HISTORY);
      historyBox.innerHTML = renderHistory(history, insights);
      finish({ expression, ok: true, count: matched, metrics: result.overall });
    } catch (e) {
      status.textContent = '';
      const message = isUserError(e) ? e.message : `Could not compute this cohort: ${e instanceof Error ? e.message : String(e)}`;
      if (!isUserError(e)) console.warn(e);
      showError(message);
      finish({ expression, ok: false, error: message });
    }
  };

  const run = (expression: string) => {
    const text = expression.trim();
    clearError();
    if (!text) {
      showError(`Type a cohort expression first, for example: ${input.placeholder}`);
      finish({ expression: text, ok: false, error: 'empty' });
      return;
    }
    const bootstrap = Number(bootstrapSelect?.value ?? 0) || 0;
    status.textContent = `Computing ${text}…`;
    resultBox.dataset.state = 'busy';
    form.setAttribute('aria-busy', 'true');
    if (runButton) runButton.disabled = true;
    // Let the status paint before the (synchronous) computation.
    setTimeout(() => compute(text, bootstrap), 16);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run(input.value);
  });
  input.addEventListener('input', () => {
    if (!errorBox.hidden) clearError();
  });
  const onExample = (event: Event) => {
    const target = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-expr]');
    if (!target) return;
    input.value = target.dataset.expr ?? '';
    input.focus();
    run(input.value);
  };
  byId('cohort-help')?.addEventListener('click', onExample);
  historyBox.addEventListener('click', onExample);
  // An error-tree node, heat-map cell, worst cohort or explained cohort anywhere in the report is a
  // link (`a.to-cohort`, keyboard-reachable, HTML or SVG) carrying its expression: one click makes it
  // the explorer's cohort. Without this script the link still goes to the explorer.
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.('a.to-cohort[data-expr]');
    if (!link) return;
    event.preventDefault();
    input.value = link.getAttribute('data-expr') ?? '';
    byId('explore')?.scrollIntoView({ block: 'start' });
    input.focus({ preventScroll: true });
    run(input.value);
  });
  resultBox.dataset.state = 'ready';
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
