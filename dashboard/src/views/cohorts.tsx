import { useEffect, useMemo, useState } from 'react';
import { Busy, ErrorNote, Section } from '../components.js';
import { quoteName, quoteValue } from '../engine/expr-text.js';
import type { ValueSuggestions } from '../engine/types.js';
import { fmtCount, pct } from '../format.js';
import { useDebounced } from '../hooks.js';
import { type Cohort, useDashboard, useEngine } from '../state.js';

type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'list';

interface Condition {
  column: string;
  op: string;
  value: string;
  /** Second value of `between`; several values of `in`. */
  value2: string;
  values: string[];
}

const OPERATORS: Record<ColumnType, { op: string; label: string }[]> = {
  numeric: [
    { op: '=', label: '=' },
    { op: '!=', label: '≠' },
    { op: '<', label: '<' },
    { op: '<=', label: '≤' },
    { op: '>', label: '>' },
    { op: '>=', label: '≥' },
    { op: 'between', label: 'between' },
    { op: 'is null', label: 'is missing' },
    { op: 'is not null', label: 'is not missing' },
  ],
  categorical: [
    { op: '=', label: '=' },
    { op: '!=', label: '≠' },
    { op: 'in', label: 'is one of' },
    { op: 'not in', label: 'is none of' },
    { op: 'is null', label: 'is missing' },
    { op: 'is not null', label: 'is not missing' },
  ],
  boolean: [
    { op: 'true', label: 'is true' },
    { op: 'false', label: 'is false' },
    { op: 'is null', label: 'is missing' },
  ],
  list: [
    { op: 'contains', label: 'contains' },
    { op: 'not contains', label: 'does not contain' },
    { op: 'is null', label: 'is missing' },
  ],
};

/** The cohort-language text of one condition, or null while it is incomplete. */
export function conditionText(c: Condition, type: ColumnType): string | null {
  const name = quoteName(c.column);
  const lit = (v: string) => (type === 'numeric' ? (v.trim() !== '' && Number.isFinite(Number(v)) ? String(Number(v)) : null) : quoteValue(v));
  switch (c.op) {
    case 'is null':
    case 'is not null':
      return `${name} ${c.op}`;
    case 'true':
    case 'false':
      return `${name} = ${c.op}`;
    case 'between': {
      const a = lit(c.value);
      const b = lit(c.value2);
      return a !== null && b !== null ? `${name} between ${a} and ${b}` : null;
    }
    case 'in':
    case 'not in':
      return c.values.length ? `${name} ${c.op} (${c.values.map((v) => quoteValue(v)).join(', ')})` : null;
    case 'contains':
    case 'not contains':
      return c.value !== '' ? `${quoteValue(c.value)} ${c.op === 'contains' ? 'in' : 'not in'} ${name}` : null;
    default: {
      const v = lit(c.value);
      return v === null || (type !== 'numeric' && c.value === '') ? null : `${name} ${c.op} ${v}`;
    }
  }
}

function ValueInput({ c, type, suggestions, onChange, index }: { c: Condition; type: ColumnType; suggestions: ValueSuggestions | null; onChange: (c: Condition) => void; index: number }) {
  const id = `cond-${index}-value`;
  if (['is null', 'is not null', 'true', 'false'].includes(c.op)) return null;
  if (type === 'numeric') {
    const listId = `${id}-list`;
    const hint = suggestions?.numeric ? `range ${suggestions.numeric.min} to ${suggestions.numeric.max}` : '';
    return (
      <>
        <datalist id={listId}>{suggestions?.numeric?.quantiles.map((q) => <option key={q} value={q} />)}</datalist>
        <label className="visually-hidden" htmlFor={id}>
          Value {hint}
        </label>
        <input id={id} data-testid={`cond-${index}-value`} type="number" step="any" list={listId} placeholder={hint} value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })} />
        {c.op === 'between' ? (
          <>
            <span aria-hidden="true">and</span>
            <label className="visually-hidden" htmlFor={`${id}-2`}>
              Upper value
            </label>
            <input id={`${id}-2`} type="number" step="any" list={listId} value={c.value2} onChange={(e) => onChange({ ...c, value2: e.target.value })} />
          </>
        ) : null}
      </>
    );
  }
  const values = suggestions?.values ?? [];
  if (c.op === 'in' || c.op === 'not in') {
    return (
      <>
        <label className="visually-hidden" htmlFor={id}>
          Values (choose several)
        </label>
        <select id={id} data-testid={`cond-${index}-value`} multiple size={Math.min(5, Math.max(2, values.length))} value={c.values} onChange={(e) => onChange({ ...c, values: Array.from(e.target.selectedOptions, (o) => o.value) })}>
          {values.map((v) => (
            <option key={v.value} value={v.value}>
              {v.value} ({fmtCount(v.count)})
            </option>
          ))}
        </select>
      </>
    );
  }
  const listId = `${id}-list`;
  return (
    <>
      <datalist id={listId}>
        {values.map((v) => (
          <option key={v.value} value={v.value}>
            {fmtCount(v.count)} rows
          </option>
        ))}
      </datalist>
      <label className="visually-hidden" htmlFor={id}>
        Value
      </label>
      <input id={id} data-testid={`cond-${index}-value`} list={listId} value={c.value} placeholder={values[0] ? `e.g. ${values[0].value}` : 'value'} onChange={(e) => onChange({ ...c, value: e.target.value })} />
    </>
  );
}

function ConditionRow({ c, index, types, onChange, onRemove }: { c: Condition; index: number; types: Map<string, ColumnType>; onChange: (c: Condition) => void; onRemove: () => void }) {
  const type = types.get(c.column) ?? 'numeric';
  const s = useEngine('suggest', { column: c.column });
  return (
    <li className="condition" data-testid={`condition-${index}`}>
      <label className="visually-hidden" htmlFor={`cond-${index}-column`}>
        Column
      </label>
      <select
        id={`cond-${index}-column`}
        data-testid={`cond-${index}-column`}
        value={c.column}
        onChange={(e) => {
          const t = types.get(e.target.value) ?? 'numeric';
          onChange({ column: e.target.value, op: OPERATORS[t][0].op, value: '', value2: '', values: [] });
        }}
      >
        {[...types.keys()].map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <label className="visually-hidden" htmlFor={`cond-${index}-op`}>
        Operator
      </label>
      <select id={`cond-${index}-op`} data-testid={`cond-${index}-op`} value={c.op} onChange={(e) => onChange({ ...c, op: e.target.value })}>
        {OPERATORS[type].map((o) => (
          <option key={o.op} value={o.op}>
            {o.label}
          </option>
        ))}
      </select>
      <ValueInput c={c} type={type} suggestions={s.data} onChange={onChange} index={index} />
      <button type="button" className="link" onClick={onRemove} aria-label={`Remove condition ${index + 1}`}>
        Remove
      </button>
    </li>
  );
}

/** The expression with a caret under the error position. */
function Caret({ text, position }: { text: string; position: number }) {
  const lineStart = text.lastIndexOf('\n', position - 1) + 1;
  const lineEnd = text.indexOf('\n', position);
  const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  return (
    <pre className="caret" aria-hidden="true">
      {line}
      {'\n'}
      {' '.repeat(Math.max(0, position - lineStart))}^
    </pre>
  );
}

/** The expression typed by hand, checked as it is typed (syntax, columns, types), with the error's position shown. */
function ExpressionEditor({ text, setText, onApply }: { text: string; setText: (s: string) => void; onApply: (expression: string) => void }) {
  const checked = useDebounced(text, 200);
  const v = useEngine('validate', { expression: checked });
  const result = v.data && checked === text ? v.data : null;
  const invalid = result !== null && !result.ok;
  return (
    <div className="expression-editor">
      <label htmlFor="cohort-expression-input">Cohort expression</label>
      <textarea
        id="cohort-expression-input"
        data-testid="expression-input"
        rows={2}
        spellCheck={false}
        value={text}
        placeholder="age > 40 and region = 'South'"
        aria-invalid={invalid}
        aria-describedby="cohort-expression-status"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            if (result?.ok) onApply(text);
          }
        }}
      />
      <div id="cohort-expression-status" className={invalid ? 'status invalid' : 'status'} data-testid="expression-status" data-valid={result ? String(result.ok) : ''} data-position={result?.position ?? ''} role={invalid ? 'alert' : undefined}>
        {result === null ? (
          <span className="muted">Checking…</span>
        ) : result.ok ? (
          <span>
            ✓ {fmtCount(result.count ?? 0)} rows{result.normalized ? <> · reads as <code>{result.normalized}</code></> : ' (every row)'}
          </span>
        ) : (
          <>
            <span>{result.message?.split('\n')[0]}</span>
            {result.position !== undefined ? <Caret text={text} position={result.position} /> : null}
          </>
        )}
      </div>
      <button type="button" data-testid="apply-expression" disabled={!result?.ok} onClick={() => onApply(text)}>
        Use this cohort
      </button>
    </div>
  );
}

export function CohortsView() {
  const { manifest, setCohort, cohort, saved, saveCohort, removeCohort, runCohorts, setTab } = useDashboard();
  const types = useMemo(() => new Map(manifest.columns.map((c) => [c.name, c.type as ColumnType])), [manifest]);
  const first = manifest.features.find((f) => types.has(f)) ?? manifest.columns[0]?.name ?? '';
  const blank = (column = first): Condition => ({ column, op: OPERATORS[types.get(column) ?? 'numeric'][0].op, value: '', value2: '', values: [] });
  const [conditions, setConditions] = useState<Condition[]>([blank()]);
  const [join, setJoin] = useState<'and' | 'or'>('and');
  const [text, setText] = useState(cohort.expression);
  const [name, setName] = useState('');
  useEffect(() => setText(cohort.expression), [cohort.expression]);
  const parts = conditions.map((c) => conditionText(c, types.get(c.column) ?? 'numeric'));
  const complete = parts.filter((p): p is string => p !== null);
  const built = complete.length === 0 ? '' : complete.length === 1 ? complete[0] : complete.map((p) => (join === 'or' || / or /i.test(p) ? `(${p})` : p)).join(` ${join} `);
  const check = useEngine('validate', { expression: built });
  const apply = (expression: string, label?: string) => {
    const known = [...saved, ...runCohorts].find((c) => c.expression === expression.trim());
    setCohort({ name: label || known?.name || (expression.trim() ? 'Custom cohort' : 'All rows'), expression: expression.trim() });
  };
  const save = (c: Cohort) => {
    saveCohort(c);
    setName('');
  };
  const insights = manifest.insights as { errorAnalysis?: { worstCohorts?: { cohorts: { expression: string; rows: number; errorRate: number | null }[] } } } | null;
  const worst = insights?.errorAnalysis?.worstCohorts?.cohorts ?? [];
  return (
    <div className="view" data-testid="cohorts">
      <Section title="Build a cohort" id="builder">
        <div className="join">
          <label htmlFor="cond-join">Rows matching</label>
          <select id="cond-join" value={join} onChange={(e) => setJoin(e.target.value as 'and' | 'or')}>
            <option value="and">all of these conditions</option>
            <option value="or">any of these conditions</option>
          </select>
        </div>
        <ol className="conditions">
          {conditions.map((c, k) => (
            <ConditionRow key={k} c={c} index={k} types={types} onChange={(next) => setConditions(conditions.map((x, j) => (j === k ? next : x)))} onRemove={() => setConditions(conditions.filter((_, j) => j !== k))} />
          ))}
        </ol>
        <div className="row-actions">
          <button type="button" data-testid="add-condition" onClick={() => setConditions([...conditions, blank()])}>
            Add condition
          </button>
        </div>
        <p>
          Expression: <code data-testid="built-expression">{built || '(every row)'}</code>{' '}
          {check.data?.ok ? <span className="muted">· {fmtCount(check.data.count ?? 0)} rows</span> : check.data ? <span className="error-text">{check.data.message?.split('\n')[0]}</span> : null}
        </p>
        <div className="row-actions">
          <button type="button" data-testid="apply-built" disabled={!check.data?.ok || complete.length !== conditions.length} onClick={() => apply(built)}>
            Use this cohort
          </button>
          <button type="button" onClick={() => setText(built)} disabled={!built}>
            Edit as text
          </button>
        </div>
      </Section>
      <Section title="Type an expression" id="typed">
        <ExpressionEditor text={text} setText={setText} onApply={(e) => apply(e)} />
        <p className="muted small">
          Conditions combine with <code>and</code>, <code>or</code>, <code>not</code> and parentheses: <code>age &gt;= 60</code>, <code>region in (&apos;North&apos;, &apos;East&apos;)</code>, <code>income between 20 and 50</code>, <code>income is null</code>. Text takes single quotes; names with spaces take double quotes.
        </p>
      </Section>
      <Section title="Current cohort" id="current">
        <p>
          <strong>{cohort.name}</strong>: <code>{cohort.expression || 'every row'}</code>
        </p>
        <div className="row-actions">
          <label htmlFor="save-name">Save as</label>
          <input id="save-name" data-testid="save-name" value={name} placeholder="name" onChange={(e) => setName(e.target.value)} />
          <button type="button" data-testid="save-cohort" disabled={!name.trim() || !cohort.expression} onClick={() => save({ name: name.trim(), expression: cohort.expression })}>
            Save
          </button>
          <button type="button" onClick={() => setTab('overview')}>
            See its metrics
          </button>
        </div>
      </Section>
      <Section title="Saved cohorts" id="saved">
        {saved.length === 0 && runCohorts.length === 0 ? <p className="muted">None yet: build or type a cohort, then save it. Saved cohorts stay in this browser.</p> : null}
        <ul className="cohort-list" data-testid="saved-cohorts">
          {runCohorts.map((c) => (
            <li key={`run:${c.name}`}>
              <button type="button" className="link" onClick={() => apply(c.expression, c.name)}>
                {c.name}
              </button>{' '}
              <code>{c.expression}</code> <span className="muted">(from the run)</span>
            </li>
          ))}
          {saved.map((c) => (
            <li key={`saved:${c.name}`}>
              <button type="button" className="link" onClick={() => apply(c.expression, c.name)}>
                {c.name}
              </button>{' '}
              <code>{c.expression}</code>{' '}
              <button type="button" className="link" aria-label={`Delete saved cohort ${c.name}`} onClick={() => removeCohort(c.name)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      </Section>
      {worst.length ? (
        <Section title="Suggested: where the model errs most" id="worst">
          <ul className="cohort-list">
            {worst.slice(0, 8).map((w) => (
              <li key={w.expression}>
                <button type="button" className="link" onClick={() => apply(w.expression, `High error: ${w.expression}`.slice(0, 60))}>
                  {w.expression}
                </button>{' '}
                <span className="muted">
                  {fmtCount(w.rows)} rows, error rate {pct(w.errorRate)}
                </span>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      <Busy on={check.loading} />
      <ErrorNote error={check.error} />
    </div>
  );
}
