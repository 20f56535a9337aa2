import { useEffect, useMemo, useState } from 'react';
import type { RowPrediction, RowValues } from '../../../src/dashboard/protocol.js';
import { predict } from '../api.js';
import { Busy, ErrorNote, NeedsModel, Section } from '../components.js';
import { fmt } from '../format.js';
import { useDebounced } from '../hooks.js';
import { useDashboard, useEngine } from '../state.js';
import { modelRow, predictionValue, RowExplanation } from './explanations.js';

type Value = RowValues[string];

function FeatureInput({ name, type, value, original, onChange }: { name: string; type: 'numeric' | 'categorical' | 'boolean'; value: Value; original: Value; onChange: (v: Value) => void }) {
  const s = useEngine('suggest', type === 'numeric' ? null : { column: name });
  const id = `whatif-${name}`;
  const changed = JSON.stringify(value) !== JSON.stringify(original);
  return (
    <div className={changed ? 'wf-field changed' : 'wf-field'}>
      <label htmlFor={id}>
        {name}
        {changed ? <small> (was {original === null ? 'missing' : String(original)})</small> : null}
      </label>
      {type === 'numeric' ? (
        <input id={id} data-testid={id} type="number" step="any" value={value === null ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))} />
      ) : type === 'boolean' ? (
        <select id={id} data-testid={id} value={value === null ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value === 'true')}>
          <option value="">missing</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : (
        <select id={id} data-testid={id} value={value === null ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}>
          <option value="">missing</option>
          {(s.data?.values ?? (value === null ? [] : [{ value: String(value), count: 0 }])).map((v) => (
            <option key={v.value} value={v.value}>
              {v.value}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

function PredictionBox({ title, p, positive, negative, threshold, testId, loading }: { title: string; p: RowPrediction | null; positive: string | null; negative: string; threshold: number | null; testId: string; loading: boolean }) {
  const v = p ? predictionValue(p, positive) : null;
  // At the dashboard's threshold (the model's own label uses its own).
  const decided = v !== null && threshold !== null && p?.value === undefined ? (v >= threshold ? positive : negative) : (p?.label ?? null);
  return (
    <div className="card prediction" data-testid={testId} data-state={loading ? 'busy' : p ? 'ready' : 'idle'} data-value={v === null ? '' : String(v)} data-label={decided ?? ''}>
      <div className="card-label">{title}</div>
      <div className="card-value">{p ? (p.value !== undefined ? fmt(p.value) : `${decided ?? '—'}`) : loading ? '…' : '—'}</div>
      <div className="card-ci">
        {p && p.value === undefined && v !== null ? `P(${positive}) = ${fmt(v)}` : ''}
        {p?.label !== undefined && threshold !== null ? ` · model label ${p.label}` : ''}
      </div>
    </div>
  );
}

export function WhatIfView() {
  const { manifest, row, setRow, threshold, liveModel, exported, settings } = useDashboard();
  const [index, setIndex] = useState(String(row ?? 0));
  useEffect(() => {
    if (row !== null) setIndex(String(row));
  }, [row]);
  const chosen = Number(index);
  const valid = index !== '' && Number.isInteger(chosen) && chosen >= 0 && chosen < manifest.rows;
  const data = useEngine('row', valid ? { index: chosen, threshold } : null);
  const inputs = useMemo(() => {
    const types = new Map(manifest.columns.map((c) => [c.name, c.type]));
    const list = manifest.model?.inputs ?? manifest.features.map((f) => ({ name: f, type: types.get(f) === 'numeric' ? ('numeric' as const) : ('categorical' as const) }));
    return list.map((i) => ({ name: i.name, type: types.get(i.name) === 'boolean' ? ('boolean' as const) : i.type }));
  }, [manifest]);
  const original = useMemo(() => (data.data ? modelRow(data.data.values, inputs.map((i) => i.name)) : null), [data.data, inputs]);
  const [edited, setEdited] = useState<RowValues | null>(null);
  useEffect(() => setEdited(original), [original]);
  const positive = settings.positive ?? manifest.positive;
  const negative = manifest.model?.classes.find((c) => c !== positive) ?? `not ${positive}`;
  const editedKey = useDebounced(edited ? JSON.stringify(edited) : null, 250);
  const originalKey = original ? JSON.stringify(original) : null;
  const [predictions, setPredictions] = useState<{ key: string; original: RowPrediction; edited: RowPrediction } | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    if (!liveModel || editedKey === null || originalKey === null) return;
    let live = true;
    setLoading(true);
    setError(null);
    predict({ rows: [JSON.parse(originalKey) as RowValues, JSON.parse(editedKey) as RowValues] })
      .then(
        (r) => live && setPredictions({ key: editedKey, original: r.predictions[0], edited: r.predictions[1] }),
        (e: Error) => live && setError(e),
      )
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [liveModel, editedKey, originalKey]);
  const fresh = predictions && predictions.key === editedKey ? predictions : null;
  // The decision compared with the data's rows: the edited row's (live model), else the row's own in the data.
  const editedScore = fresh ? predictionValue(fresh.edited, positive) : null;
  const editedLabel = fresh ? (fresh.edited.label ?? null) : (data.data?.prediction ?? null);
  const decisionText = fresh && settings.score && editedScore !== null && threshold !== null ? (editedScore >= threshold ? String(positive) : negative) : editedLabel;
  const near = useEngine('nearest', edited && data.data ? { values: edited, prediction: editedLabel, score: fresh && settings.score ? editedScore : null, threshold, k: 5, exclude: chosen } : null);
  const changedCount = edited && original ? Object.keys(edited).filter((k) => JSON.stringify(edited[k]) !== JSON.stringify(original[k])).length : 0;
  return (
    <div className="view" data-testid="whatif">
      <Section title="Pick a row" id="pick">
        <div className="controls">
          <label htmlFor="whatif-row">Row</label>
          <input id="whatif-row" data-testid="whatif-row" type="number" min={0} max={manifest.rows - 1} value={index} onChange={(e) => setIndex(e.target.value)} onBlur={() => valid && setRow(chosen)} />
          {data.data ? (
            <span className="muted">
              label <strong>{data.data.label ?? '—'}</strong> · prediction in the data <strong>{data.data.prediction ?? '—'}</strong>
              {data.data.score !== null ? ` (score ${fmt(data.data.score)})` : ''}
            </span>
          ) : null}
          {!valid ? <span className="error-text">Choose a row from 0 to {manifest.rows - 1}.</span> : null}
          <Busy on={data.loading} />
        </div>
        <ErrorNote error={data.error} />
      </Section>
      {!liveModel ? <NeedsModel exported={exported} what="A new prediction for an edited row" /> : null}
      {edited && original ? (
        <div className="split whatif-split">
          <Section
            title="Edit its features"
            id="edit"
            actions={
              <button type="button" onClick={() => setEdited(original)} disabled={changedCount === 0}>
                Reset ({changedCount} changed)
              </button>
            }
          >
            <div className="wf-form" data-testid="whatif-form" data-row={data.data?.index}>
              {inputs.map((i) => (
                <FeatureInput key={i.name} name={i.name} type={i.type} value={edited[i.name] ?? null} original={original[i.name] ?? null} onChange={(v) => setEdited({ ...edited, [i.name]: v })} />
              ))}
            </div>
          </Section>
          <div>
            {liveModel ? (
              <Section title="The model's answer" id="answer" actions={<Busy on={loading} label="Asking the model…" />}>
                <ErrorNote error={error} />
                <div className="cards">
                  <PredictionBox title="Original row" p={fresh?.original ?? predictions?.original ?? null} positive={positive} negative={negative} threshold={settings.score ? threshold : null} testId="whatif-original" loading={loading} />
                  <PredictionBox title="Edited row" p={fresh?.edited ?? null} positive={positive} negative={negative} threshold={settings.score ? threshold : null} testId="whatif-prediction" loading={loading || !fresh} />
                </div>
                <RowExplanation values={edited} title="Why (edited row)" />
              </Section>
            ) : null}
            <Section title="Nearest rows the model decides differently" id="nearest" actions={<Busy on={near.loading} />}>
              <ErrorNote error={near.error} />
              <p className="muted small">
                Distance: standardised differences of numeric features plus one per differing category. Decision compared: {decisionText ?? '—'}
                {liveModel ? ' (the edited row, at the dashboard threshold)' : ' (the row as in the data)'}.
              </p>
              {near.data ? (
                <table className="metrics-table small" data-testid="nearest">
                  <thead>
                    <tr>
                      <th scope="col">Row</th>
                      <th scope="col">Distance</th>
                      <th scope="col">Prediction</th>
                      <th scope="col">Differs in</th>
                    </tr>
                  </thead>
                  <tbody>
                    {near.data.map((n) => (
                      <tr key={n.index}>
                        <td>
                          <button type="button" className="link" onClick={() => setIndex(String(n.index))} aria-label={`Load row ${n.index}`}>
                            {n.index}
                          </button>
                        </td>
                        <td>{fmt(n.distance)}</td>
                        <td>
                          {n.prediction ?? '—'}
                          {n.score !== null ? ` (${fmt(n.score)})` : ''}
                        </td>
                        <td className="wrap">{n.differences.map((d) => `${d.feature} = ${d.value === null ? 'missing' : String(d.value)}`).join(', ') || 'nothing'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
            </Section>
          </div>
        </div>
      ) : null}
    </div>
  );
}
