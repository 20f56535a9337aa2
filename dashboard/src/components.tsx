import type { ReactNode } from 'react';
import type { EngineError } from './engine/client.js';
import { fmt, fmtInterval, metricName } from './format.js';

/** A metric's value with its interval; the exact value rides in data attributes for tests and copying. */
export function MetricValue({ id, value, ci }: { id: string; value: number | null | undefined; ci?: [number, number] }) {
  return (
    <span className="metric-value" data-metric={id} data-value={value === null || value === undefined ? 'null' : String(value)} data-ci={ci ? JSON.stringify(ci) : undefined} title={value === null || value === undefined ? 'undefined' : String(value)}>
      {fmt(value, id)}
      {ci ? <small className="ci"> {fmtInterval(ci, id)}</small> : null}
    </span>
  );
}

/** A headline metric as a card. */
export function MetricCard({ id, value, ci, reason, level = 0.95 }: { id: string; value: number | null | undefined; ci?: [number, number]; reason?: string; level?: number }) {
  return (
    <div className="card metric-card" data-card={id}>
      <div className="card-label">{metricName(id)}</div>
      <div className="card-value">
        <MetricValue id={id} value={value} />
      </div>
      <div className="card-ci">{ci ? `${Math.round(level * 100)}% CI ${fmtInterval(ci)}` : reason ? reason : '\u00a0'}</div>
    </div>
  );
}

export function ErrorNote({ error }: { error: EngineError | Error | null }) {
  if (!error) return null;
  return (
    <p className="notice error" role="alert">
      {error.message}
    </p>
  );
}

export function Busy({ on, label = 'Computing…', progress }: { on: boolean; label?: string; progress?: number | null }) {
  if (!on) return null;
  return (
    <span className="busy" role="status" aria-live="polite">
      {label}
      {progress !== null && progress !== undefined ? ` ${Math.round(progress * 100)}%` : ''}
    </span>
  );
}

export function Section({ title, children, actions, id }: { title: string; children: ReactNode; actions?: ReactNode; id?: string }) {
  return (
    <section className="section" aria-labelledby={id ? `${id}-title` : undefined} data-section={id}>
      <div className="section-head">
        <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
        {actions ? <div className="section-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

/** Why a view needs the live model, when there is none. */
export function NeedsModel({ exported, what }: { exported: boolean; what: string }) {
  return (
    <p className="notice" role="note" data-testid="needs-model">
      {exported
        ? `${what} needs the live model, and this is an exported file with no server behind it. Open the dashboard with candor serve --model … to use it.`
        : `${what} needs a model: start candor serve with --model FILE (an ONNX file, an XGBoost JSON model or an http(s):// endpoint).`}
    </p>
  );
}

/** A labelled select. */
export function Select<T extends string>({ id, label, value, options, onChange, disabled }: { id: string; label: string; value: T; options: { value: T; label: string }[]; onChange: (v: T) => void; disabled?: boolean }) {
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)} disabled={disabled}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}
