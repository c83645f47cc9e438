// Chart.js (loaded from its WebJar as the global Chart) wrapped for this page: colours from the
// CSS variables, no animation (a live page that animates every second is hard to read), and
// charts kept across re-renders so a live update redraws in place instead of flickering.

import { h } from './dom.js';
import { axisTime } from './format.js';

const Chart = window.Chart;
const live = new Map();
let inPass = new Set();

export function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** Applies the current colour scheme to Chart.js defaults. */
export function applyTheme() {
  if (!Chart) return;
  Chart.defaults.animation = false;
  Chart.defaults.color = cssVar('--muted');
  Chart.defaults.borderColor = cssVar('--border');
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
}

/** Call before rendering a view; charts not used again by endPass() are destroyed. */
export function beginPass() {
  inPass = new Set();
}

export function endPass() {
  for (const [key, entry] of live) {
    if (!inPass.has(key)) {
      entry.chart.destroy();
      live.delete(key);
    }
  }
}

/** Drops every chart, e.g. after a colour scheme change. */
export function resetAll() {
  for (const entry of live.values()) entry.chart.destroy();
  live.clear();
}

/**
 * A chart inside a sized box. The same key on the next render reuses the canvas and chart, so
 * only the data changes. name becomes data-chart, which the browser tests look up.
 */
export function chart(key, name, config, boxClass = 'chart-box', heightPx = null) {
  inPass.add(key);
  let entry = live.get(key);
  if (entry && entry.chart.config.type !== config.type) {
    entry.chart.destroy();
    live.delete(key);
    entry = null;
  }
  if (!entry) {
    const canvas = h('canvas', { role: 'img', 'aria-label': name });
    const box = h('div', { class: boxClass, dataset: { chart: name } }, canvas);
    if (heightPx) box.style.height = `${heightPx}px`;
    if (!Chart) {
      box.replaceChildren(h('p', { class: 'error-box' }, 'Chart.js did not load from /webjars/.'));
      return box;
    }
    entry = { box, chart: new Chart(canvas, config) };
    live.set(key, entry);
    return box;
  }
  if (heightPx) entry.box.style.height = `${heightPx}px`;
  entry.chart.data = config.data;
  entry.chart.options = config.options || {};
  entry.chart.update('none');
  return entry.box;
}

/** Half-doughnut gauge of open against usable. */
export function gauge(key, open, usable, state) {
  const colour = state === 'critical' ? cssVar('--crit') : state === 'warning' ? cssVar('--warn') : cssVar('--ok');
  const known = usable != null && usable > 0;
  const used = known ? Math.min(open, usable) : 0;
  const rest = known ? Math.max(usable - open, 0) : 1;
  return chart(
    key,
    'gauge',
    {
      type: 'doughnut',
      data: {
        labels: ['open', 'headroom'],
        datasets: [{ data: [used, rest], backgroundColor: [colour, cssVar('--headroom')], borderWidth: 0 }],
      },
      options: {
        rotation: -90,
        circumference: 180,
        cutout: '68%',
        events: [],
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
      },
    },
    'gauge-canvas',
  );
}

/**
 * Draws a dashed vertical line at options.plugins.sizingLine.value on the x axis of a
 * horizontal bar chart: the per-pod max that would fit the budget.
 */
const sizingLine = {
  id: 'sizingLine',
  afterDatasetsDraw(c, args, opts) {
    if (opts == null || opts.value == null) return;
    const x = c.scales.x.getPixelForValue(opts.value);
    const { top, bottom } = c.chartArea;
    const ctx = c.ctx;
    ctx.save();
    ctx.strokeStyle = opts.color;
    ctx.setLineDash([5, 4]);
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = opts.color;
    ctx.textAlign = 'left';
    ctx.font = `600 11px ${Chart.defaults.font.family}`;
    ctx.fillText(opts.label, x + 4, top + 10);
    ctx.restore();
  },
};

/**
 * Horizontal stacked bars: used, idle, and the rest up to max, one bar per row.
 * rows: [{label, used, idle, max, stale}]
 */
export function usageBars(key, name, rows, sizing, onPick = null) {
  const headroom = rows.map((r) => (r.max == null ? 0 : Math.max(r.max - r.used - r.idle, 0)));
  const used = cssVar('--used');
  const idle = cssVar('--idle');
  const muted = cssVar('--headroom');
  return chart(
    key,
    name,
    {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.label),
        datasets: [
          { label: 'used', data: rows.map((r) => r.used), backgroundColor: rows.map((r) => (r.stale ? muted : used)) },
          { label: 'idle', data: rows.map((r) => r.idle), backgroundColor: rows.map((r) => (r.stale ? muted : idle)) },
          {
            label: 'up to max',
            data: headroom,
            backgroundColor: 'transparent',
            borderColor: cssVar('--muted'),
            borderWidth: 1,
            borderDash: [3, 3],
          },
        ],
      },
      options: {
        indexAxis: 'y',
        onClick: onPick ? (evt, elements) => elements.length && onPick(rows[elements[0].index]) : undefined,
        onHover: onPick ? (evt, elements) => (evt.native.target.style.cursor = elements.length ? 'pointer' : 'default') : undefined,
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'connections' } },
          y: { stacked: true },
        },
        plugins: {
          legend: { position: 'top', align: 'end' },
          tooltip: { callbacks: { footer: (items) => `max ${rows[items[0].dataIndex].max ?? 'unknown'}` } },
          sizingLine: sizing ? { value: sizing.value, label: sizing.label, color: cssVar('--limit') } : false,
        },
      },
      plugins: [sizingLine],
    },
    'chart-box',
    Math.max(110, 78 + rows.length * 30),
  );
}

/** Vertical markers for alert firings and deploys, labelled in the events list below the charts. */
const eventMarks = {
  id: 'eventMarks',
  afterDatasetsDraw(c, args, opts) {
    if (!opts || !opts.events) return;
    const { top, bottom, left, right } = c.chartArea;
    const ctx = c.ctx;
    ctx.save();
    for (const ev of opts.events) {
      const x = c.scales.x.getPixelForValue(ev.time);
      if (x < left || x > right) continue;
      ctx.strokeStyle = ev.kind === 'alert' ? opts.alertColor : opts.deployColor;
      ctx.setLineDash(ev.kind === 'alert' ? [] : [4, 3]);
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      ctx.fillStyle = ctx.strokeStyle;
      ctx.beginPath();
      ctx.arc(x, top + 3, 3, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.restore();
  },
};

/**
 * A time-series line chart. series: [{label, points: [[ms, value]], color, dash, fill}],
 * scaleY: value transform (e.g. s -> ms), unit: y axis title.
 */
export function timeLines(key, name, series, { from, to, events, unit, scaleY = (v) => v, heightPx = 170 }) {
  const span = to - from;
  return chart(
    key,
    name,
    {
      type: 'line',
      data: {
        datasets: series.map((s) => ({
          label: s.label,
          data: (s.points || []).map(([t, v]) => ({ x: t, y: v == null ? null : scaleY(v) })),
          borderColor: s.color,
          backgroundColor: s.fill ? s.color + '33' : s.color,
          borderDash: s.dash || [],
          borderWidth: s.width || 1.8,
          pointRadius: 0,
          fill: s.fill || false,
          stepped: s.stepped || false,
          spanGaps: false,
        })),
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: {
            type: 'linear',
            min: from,
            max: to,
            ticks: { maxTicksLimit: 8, callback: (v) => axisTime(v, span) },
          },
          y: { beginAtZero: true, title: { display: !!unit, text: unit } },
        },
        plugins: {
          legend: { position: 'top', align: 'end' },
          tooltip: { callbacks: { title: (items) => (items.length ? new Date(items[0].parsed.x).toLocaleString('en-GB') : '') } },
          eventMarks: { events: events || [], alertColor: cssVar('--crit'), deployColor: cssVar('--deploy') },
        },
      },
      plugins: [eventMarks],
    },
    'chart-box',
    heightPx,
  );
}
