// Why ECharts (6) for the dashboard's charts:
// - it draws on a canvas, so a chart of thousands of points or bars stays one DOM element, and a
//   million-row page stays responsive (SVG libraries make a node per mark);
// - it needs no eval or `new Function` (Vega-Lite compiles expressions at run time, which a strict
//   Content-Security-Policy forbids), and with `renderMode: 'richText'` tooltips it writes no
//   inline style attributes either — the page runs under `script-src`/`style-src` without
//   'unsafe-eval' or 'unsafe-inline';
// - it is tree-shakable through `echarts/core`: only the chart types and components below end up
//   in the bundle (bars, lines, scatter, and the grid, axes, legend, tooltip, marks and visual map);
// - it is actively maintained (Apache), with keyboard-reachable `aria` descriptions generated from
//   the data, which the page turns on for screen readers.
import { BarChart, LineChart, ScatterChart, CustomChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, VisualMapComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, ScatterChart, CustomChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, MarkAreaComponent, VisualMapComponent, AriaComponent, TitleComponent, CanvasRenderer]);

export { echarts };
export type EChartsOption = echarts.EChartsCoreOption;

/** Okabe–Ito: eight colours distinguishable under the common colour-vision deficiencies (Okabe & Ito, 2008). */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

/** Viridis anchor colours (perceptually uniform, colour-blind safe, readable in greyscale). */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];

/** Viridis from 0 (light yellow: few errors) to 1 (dark purple: many errors). */
export function errorColor(t: number): string {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0));
  const scale = [...VIRIDIS].reverse();
  const at = x * (scale.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(scale.length - 1, lo + 1);
  return mix(scale[lo], scale[hi], at - lo);
}

/** The reversed viridis stops, for ECharts visual maps. */
export const ERROR_SCALE = [...VIRIDIS].reverse();

function mix(a: string, b: string, f: number): string {
  const pa = parseInt(a.slice(1), 16);
  const pb = parseInt(b.slice(1), 16);
  const ch = (p: number, s: number) => (p >> s) & 255;
  const c = (s: number) => Math.round(ch(pa, s) + (ch(pb, s) - ch(pa, s)) * f);
  return `#${((c(16) << 16) | (c(8) << 8) | c(0)).toString(16).padStart(6, '0')}`;
}

/** Black or white text, whichever reads better on `background` (WCAG relative luminance). */
export function textOn(background: string): string {
  const p = parseInt(background.slice(1), 16);
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin((p >> 16) & 255) + 0.7152 * lin((p >> 8) & 255) + 0.0722 * lin(p & 255);
  return l > 0.4 ? '#111111' : '#ffffff';
}

/** Options every chart shares: the palette, readable text, canvas tooltips, ARIA descriptions. */
export const BASE_OPTION = {
  color: OKABE_ITO,
  aria: { enabled: true },
  animation: false,
  textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', fontSize: 12, color: '#222' },
  tooltip: { renderMode: 'richText', confine: true },
};
