import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { ErrorHeatMap, ErrorTree, ErrorTreeNode } from '../../../src/index.js';
import { ERROR_SCALE, errorColor, textOn } from '../charts/echarts.js';
import { Busy, ErrorNote, MetricValue, Section, Select } from '../components.js';
import { fmtCount, metricName, pct } from '../format.js';
import { useDashboard, useEngine } from '../state.js';
import { ThresholdControl } from './overview.js';

interface Placed {
  node: ErrorTreeNode;
  x: number;
  y: number;
  r: number;
}

/** Leaves spread evenly left to right (in-order), each parent centred over its children. */
function layout(tree: ErrorTree, width: number, levelHeight: number): Placed[] {
  const nodes = tree.nodes;
  const x = new Map<number, number>();
  let slot = 0;
  const visit = (id: number): number => {
    const n = nodes[id];
    if (!n.children) {
      const v = slot++;
      x.set(id, v);
      return v;
    }
    const v = (visit(n.children[0]) + visit(n.children[1])) / 2;
    x.set(id, v);
    return v;
  };
  visit(0);
  const leaves = Math.max(1, slot);
  const rootRows = nodes[0]?.rows || 1;
  const margin = 80;
  return nodes.map((node) => ({
    node,
    x: leaves === 1 ? width / 2 : margin + ((width - 2 * margin) * (x.get(node.id) ?? 0)) / (leaves - 1),
    y: 34 + node.depth * levelHeight,
    r: 7 + 21 * Math.sqrt(node.rows / rootRows),
  }));
}

/** What a child adds to its parent's expression (the split's side), for the edge label. */
function edgeLabel(parent: ErrorTreeNode, child: ErrorTreeNode): string {
  const had = new Set(parent.expression.split(' and '));
  const added = child.expression.split(' and ').filter((p) => !had.has(p));
  return added.join(' and ') || child.expression;
}

const short = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

function ErrorTreeSvg({ tree, selected, onPick }: { tree: ErrorTree; selected: string | null; onPick: (n: ErrorTreeNode) => void }) {
  const width = 1160;
  const levelHeight = 96;
  const placed = useMemo(() => layout(tree, width, levelHeight), [tree]);
  const maxRate = Math.max(1e-9, ...tree.nodes.map((n) => n.errorRate ?? 0));
  const height = 34 + Math.max(...tree.nodes.map((n) => n.depth)) * levelHeight + 60;
  const byId = new Map(placed.map((p) => [p.node.id, p]));
  const key = (e: KeyboardEvent, n: ErrorTreeNode) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onPick(n);
    }
  };
  return (
    <svg className="error-tree" viewBox={`0 0 ${width} ${height}`} role="group" aria-label={`Error tree: ${tree.nodes.length} nodes; node size is rows, colour is error rate`} data-testid="error-tree">
      {placed.map((p) =>
        p.node.children
          ? p.node.children.map((c) => {
              const child = byId.get(c)!;
              return (
                <g key={`e${c}`} className="edge">
                  <line x1={p.x} y1={p.y} x2={child.x} y2={child.y} />
                  <text x={child.x} y={child.y - child.r - 6} textAnchor="middle" className="edge-label">
                    <title>{edgeLabel(p.node, child.node)}</title>
                    {short(edgeLabel(p.node, child.node), 26)}
                  </text>
                </g>
              );
            })
          : null,
      )}
      {placed.map((p) => {
        const n = p.node;
        const fill = errorColor((n.errorRate ?? 0) / maxRate);
        const isSelected = selected === n.expression;
        return (
          <g
            key={n.id}
            className={isSelected ? 'tree-node selected' : 'tree-node'}
            role="button"
            tabIndex={0}
            aria-pressed={isSelected}
            aria-label={`Node ${n.id}: ${fmtCount(n.rows)} rows, error rate ${pct(n.errorRate)}; ${n.expression}. Select as the cohort.`}
            data-node-id={n.id}
            data-expression={n.expression}
            onClick={() => onPick(n)}
            onKeyDown={(e) => key(e, n)}
          >
            <title>{`${n.expression}\n${fmtCount(n.rows)} rows · ${fmtCount(n.errors)} errors · error rate ${pct(n.errorRate)}`}</title>
            <circle cx={p.x} cy={p.y} r={p.r} fill={fill} />
            <text x={p.x} y={p.y + p.r + 13} textAnchor="middle" className="node-label">
              {pct(n.errorRate)} · {fmtCount(n.rows)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function Legend({ max }: { max: number }) {
  return (
    <div className="legend" aria-hidden="true">
      <span>error rate 0%</span>
      <span className="ramp">
        {ERROR_SCALE.map((c) => (
          <span key={c} style={{ background: c }} />
        ))}
      </span>
      <span>{pct(max)}</span>
    </div>
  );
}

function HeatMapGrid({ map, onPick, selected }: { map: ErrorHeatMap; onPick: (expression: string, label: string) => void; selected: string }) {
  const [a, b] = map.axes;
  const maxRate = Math.max(1e-9, ...map.cells.map((c) => c.errorRate ?? 0));
  const cells = new Map(map.cells.map((c) => [c.index.join(','), c]));
  const rows = b ? b.bins : [{ label: '', expression: '' }];
  return (
    <div className="table-wrap">
      <table className="heatmap" data-testid="heatmap">
        <caption>
          Error rate by {a.feature}
          {b ? ` and ${b.feature}` : ''} (darker = more errors); choose a cell to make it the cohort
        </caption>
        <thead>
          <tr>
            <th scope="col">{b ? `${b.feature} \\ ${a.feature}` : a.feature}</th>
            {a.bins.map((bin) => (
              <th scope="col" key={bin.label}>
                {bin.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((rowBin, j) => (
            <tr key={rowBin.label || 'all'}>
              <th scope="row">{b ? rowBin.label : 'all'}</th>
              {a.bins.map((colBin, i) => {
                const c = cells.get(b ? `${i},${j}` : `${i}`);
                if (!c) return <td key={colBin.label} className="empty" aria-label="no rows" />;
                const bg = errorColor((c.errorRate ?? 0) / maxRate);
                const label = `${a.feature} ${colBin.label}${b ? `, ${b.feature} ${rowBin.label}` : ''}`;
                return (
                  <td key={colBin.label}>
                    <button
                      type="button"
                      className={selected === c.expression ? 'cell selected' : 'cell'}
                      style={{ background: bg, color: textOn(bg) }}
                      data-expression={c.expression}
                      aria-label={`${label}: error rate ${pct(c.errorRate)}, ${fmtCount(c.rows)} rows. Select as the cohort.`}
                      onClick={() => onPick(c.expression, label)}
                    >
                      <strong>{pct(c.errorRate)}</strong>
                      <small>{fmtCount(c.rows)}</small>
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ErrorsView() {
  const { cohort, setCohort, threshold, manifest, settings } = useDashboard();
  // The tree stays grown on the cohort it was grown for when one of its own nodes becomes the cohort.
  const [base, setBase] = useState(cohort.expression);
  const [picked, setPicked] = useState<string | null>(null);
  const [depth, setDepth] = useState('3');
  const [minLeaf, setMinLeaf] = useState('20');
  const tree = useEngine('errorTree', { cohort: base, threshold, maxDepth: Number(depth), minLeafRows: Number(minLeaf) }, { lane: 'slow' });
  useEffect(() => {
    if (cohort.expression !== picked) {
      setBase(cohort.expression);
      setPicked(null);
    }
  }, [cohort.expression, picked]);
  const candidates = manifest.features.filter((f) => manifest.columns.some((c) => c.name === f && c.type !== 'list'));
  const [fa, setFa] = useState(candidates[0] ?? '');
  const [fb, setFb] = useState(candidates[1] ?? '');
  const [bins, setBins] = useState('6');
  const [binning, setBinning] = useState<'equal' | 'quantile'>('equal');
  const features = fb && fb !== fa ? [fa, fb] : [fa];
  const heat = useEngine('heatMap', fa ? { cohort: base, threshold, features, bins: Number(bins), binning } : null, { lane: 'slow' });
  const pick = (expression: string, name: string) => {
    setPicked(expression);
    setCohort({ name, expression });
  };
  const t = tree.data?.tree;
  const selectedNode = t?.nodes.find((n) => n.expression === cohort.expression) ?? null;
  const maxRate = t ? Math.max(...t.nodes.map((n) => n.errorRate ?? 0)) : 0;
  const treeReady = !!tree.data && !tree.loading && tree.data.cohort === base.trim();
  return (
    <div className="view" data-testid="errors">
      <div className="controls">
        <ThresholdControl />
        <span className="muted">
          Grown on <code>{base || 'every row'}</code> {settings.score ? `(prediction: ${settings.score} ≥ ${threshold})` : ''}
        </span>
      </div>
      <Section
        title="Error tree"
        id="tree"
        actions={
          <>
            <Select id="tree-depth" label="Depth" value={depth} options={['1', '2', '3', '4', '5'].map((d) => ({ value: d, label: d }))} onChange={setDepth} />
            <Select id="tree-leaf" label="Min rows per leaf" value={minLeaf} options={['5', '20', '50', '100', '500'].map((d) => ({ value: d, label: d }))} onChange={setMinLeaf} />
            <Busy on={tree.loading} label="Growing the tree…" />
          </>
        }
      >
        <ErrorNote error={tree.error} />
        {t ? (
          <div data-testid="tree-box" data-state={treeReady ? 'ready' : 'busy'}>
            <Legend max={maxRate} />
            <ErrorTreeSvg tree={t} selected={cohort.expression} onPick={(n) => pick(n.expression, `Error tree node ${n.id}`)} />
            <div className="node-details" data-testid="selected-node" aria-live="polite">
              {selectedNode ? (
                <>
                  <p>
                    Selected node {selectedNode.id} is now the cohort: <code data-testid="selected-node-expression">{selectedNode.expression}</code>
                  </p>
                  <p className="muted">
                    {fmtCount(selectedNode.rows)} rows · {fmtCount(selectedNode.errors)} errors · error rate {pct(selectedNode.errorRate)} · {pct(selectedNode.coverage)} of all errors
                  </p>
                  <table className="metrics-table small">
                    <tbody>
                      {Object.entries(selectedNode.metrics).map(([m, v]) => (
                        <tr key={m}>
                          <th scope="row">{metricName(m)}</th>
                          <td>
                            <MetricValue id={m} value={v} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              ) : (
                <p className="muted">Choose a node (click, or Tab to it and press Enter) to make its rows the cohort every view shows.</p>
              )}
            </div>
            {t.warnings.length ? (
              <ul className="warnings">
                {t.warnings.slice(0, 4).map((w) => (
                  <li key={w.message}>{w.message}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </Section>
      <Section
        title="Error heat map"
        id="heatmap"
        actions={
          <>
            <Select id="heat-a" label="Columns" value={fa} options={candidates.map((c) => ({ value: c, label: c }))} onChange={setFa} />
            <Select id="heat-b" label="Rows" value={fb} options={[{ value: '', label: '(none)' }, ...candidates.filter((c) => c !== fa).map((c) => ({ value: c, label: c }))]} onChange={setFb} />
            <Select id="heat-bins" label="Bins" value={bins} options={['4', '6', '8', '10'].map((d) => ({ value: d, label: d }))} onChange={setBins} />
            <Select id="heat-binning" label="Binning" value={binning} options={[{ value: 'equal', label: 'equal width' }, { value: 'quantile', label: 'quantiles' }]} onChange={setBinning} />
            <Busy on={heat.loading} />
          </>
        }
      >
        <ErrorNote error={heat.error} />
        {heat.data ? <HeatMapGrid map={heat.data.heatmap} selected={cohort.expression} onPick={(e, label) => pick(e, label)} /> : null}
      </Section>
    </div>
  );
}
