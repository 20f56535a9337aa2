import { useEffect, useRef } from 'react';
import { BASE_OPTION, echarts, type EChartsOption } from './echarts.js';

export interface ChartProps {
  option: EChartsOption;
  /** What the chart shows, for screen readers (the chart itself is a canvas). */
  label: string;
  height?: number;
  onClick?: (params: { dataIndex: number; seriesIndex?: number; name?: string; value?: unknown }) => void;
  testId?: string;
}

/**
 * An ECharts canvas that follows `option` and its container's size. A chart out of view is not
 * redrawn when its option changes — only once it scrolls into view — so that a new cohort or
 * threshold repaints what the reader sees first (the overview's promise on a million rows).
 */
export function Chart({ option, label, height = 260, onClick, testId }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);
  const visible = useRef(false);
  const pending = useRef<EChartsOption | null>(null);
  const drawn = useRef(false);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    const el = ref.current!;
    const instance = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (p: unknown) => click.current?.(p as Parameters<NonNullable<ChartProps['onClick']>>[0]));
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(el);
    const seen = new IntersectionObserver((entries) => {
      visible.current = entries.some((e) => e.isIntersecting);
      if (visible.current && pending.current) {
        instance.setOption(pending.current, { notMerge: true });
        pending.current = null;
      }
    });
    seen.observe(el);
    return () => {
      resize.disconnect();
      seen.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const full = { ...BASE_OPTION, aria: { enabled: true, label: { description: label } }, ...option, tooltip: { ...BASE_OPTION.tooltip, ...((option.tooltip as object) ?? {}) } };
    // Before the first intersection report, draw: the chart may well be in view.
    if (visible.current || !drawn.current) {
      chart.current?.setOption(full, { notMerge: true });
      drawn.current = true;
      pending.current = null;
    } else pending.current = full;
  }, [option, label]);

  return <div ref={ref} className="chart" role="img" aria-label={label} data-testid={testId} style={{ height }} />;
}
