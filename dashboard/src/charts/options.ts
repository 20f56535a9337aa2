// ECharts option builders the views share.
import type { EChartsOption } from './echarts.js';
import { OKABE_ITO } from './echarts.js';

type Interval = [number, number] | undefined;

/** Vertical bars with interval whiskers (a custom series draws each whisker). */
export function barsWithIntervals(categories: string[], values: (number | null)[], intervals: Interval[], name: string, color = OKABE_ITO[0]): EChartsOption {
  return {
    grid: { left: 56, right: 16, top: 24, bottom: 64, containLabel: false },
    xAxis: { type: 'category', data: categories, axisLabel: { interval: 0, rotate: categories.length > 6 ? 30 : 0, width: 110, overflow: 'truncate' } },
    yAxis: { type: 'value', name, nameTextStyle: { align: 'left' } },
    tooltip: { trigger: 'item' },
    series: [
      { type: 'bar', name, data: values.map((v) => (v === null ? '-' : v)), itemStyle: { color }, barMaxWidth: 48 },
      {
        type: 'custom',
        name: `${name} interval`,
        data: intervals.map((ci, k) => (ci ? [k, ci[0], ci[1]] : [k, NaN, NaN])),
        renderItem: (_params: unknown, api: { value: (d: number) => number; coord: (p: [number, number]) => [number, number]; size: (p: [number, number]) => [number, number] }) => {
          const x = api.value(0);
          const lo = api.value(1);
          const hi = api.value(2);
          if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
          const top = api.coord([x, hi]);
          const bottom = api.coord([x, lo]);
          const half = Math.min(10, api.size([1, 0])[0] * 0.15);
          const style = { stroke: '#222', lineWidth: 1.5 };
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: top[0], y1: top[1], x2: bottom[0], y2: bottom[1] }, style },
              { type: 'line', shape: { x1: top[0] - half, y1: top[1], x2: top[0] + half, y2: top[1] }, style },
              { type: 'line', shape: { x1: bottom[0] - half, y1: bottom[1], x2: bottom[0] + half, y2: bottom[1] }, style },
            ],
          };
        },
        encode: { x: 0, y: [1, 2] },
        z: 10,
        tooltip: { show: false },
      },
    ],
  };
}

/** Stacked bars over categories, one series each. */
export function stackedBars(categories: string[], series: { name: string; counts: number[] }[], axisName = 'rows'): EChartsOption {
  return {
    grid: { left: 56, right: 16, top: 36, bottom: 64 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: categories, axisLabel: { interval: categories.length > 16 ? 'auto' : 0, rotate: categories.length > 6 ? 30 : 0, width: 100, overflow: 'truncate' } },
    yAxis: { type: 'value', name: axisName },
    series: series.map((s, k) => ({ type: 'bar', name: s.name, stack: 'all', data: s.counts, itemStyle: { color: OKABE_ITO[k % OKABE_ITO.length] } })),
  };
}

/** Horizontal bars (importance, contributions), largest first at the top. */
export function horizontalBars(labels: string[], series: { name: string; values: number[] }[], axisName: string, signed = false): EChartsOption {
  const reversed = [...labels].reverse();
  return {
    grid: { left: 190, right: 24, top: series.length > 1 ? 32 : 16, bottom: 32 },
    legend: series.length > 1 ? { top: 0 } : undefined,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', name: axisName, nameLocation: 'middle', nameGap: 24 },
    yAxis: { type: 'category', data: reversed, axisLabel: { width: 180, overflow: 'truncate' } },
    series: series.map((s, k) => ({
      type: 'bar',
      name: s.name,
      data: [...s.values].reverse().map((v) => (signed ? { value: v, itemStyle: { color: v >= 0 ? OKABE_ITO[5] : OKABE_ITO[0] } } : v)),
      itemStyle: signed ? undefined : { color: OKABE_ITO[k % OKABE_ITO.length] },
    })),
  };
}
