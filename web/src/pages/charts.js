// The figures page's charts, drawn as SVG by Preact (THIRD-PARTY.md says why no library). Each
// chart is a picture of the table printed with it: the SVG is aria-hidden, and the table is what
// screen readers read. Sizes are in the viewBox's units; the SVG scales to the column's width.
import { html } from '../components.js';

// GOV.UK blue and secondary grey: each at least 3:1 against white (WCAG 1.4.11).
export const seriesColours = ['#1d70b8', '#505a5f'];

const number = (value) => (value === null || value === undefined ? 0 : Number(value));

function Key({ series, y = 14 }) {
  return series.map((name, i) => html`<g key=${name} transform=${`translate(${i * 170},${y - 12})`}>
    <rect width="16" height="16" fill=${seriesColours[i]} />
    <text x="24" y="13" class="hw-chart__text">${name}</text>
  </g>`);
}

// rows: [{label, values: [n, n]}], one bar per series, labels above their bars.
export function BarChart({ id, rows, series, format = String, max }) {
  const width = 420;
  const bar = 18;
  const rowHeight = 24 + series.length * (bar + 4) + 8;
  const top = 32;
  const height = top + rows.length * rowHeight;
  const most = max ?? Math.max(1, ...rows.flatMap((r) => r.values.map(number)));
  const room = width - 70;
  return html`<svg class="hw-chart" id=${id} viewBox=${`0 0 ${width} ${height}`} aria-hidden="true" focusable="false">
    <${Key} series=${series} />
    ${rows.map((row, r) => {
      const y = top + r * rowHeight;
      return html`<g key=${row.label} transform=${`translate(0,${y})`}>
        <text x="0" y="18" class="hw-chart__text">${row.label}</text>
        ${row.values.map((value, i) => {
          const w = Math.round((number(value) / most) * room);
          const by = 24 + i * (bar + 4);
          return html`<g key=${i}>
            <rect x="0" y=${by} width=${Math.max(w, 1)} height=${bar} fill=${seriesColours[i]} />
            <text x=${w + 6} y=${by + bar - 4} class="hw-chart__text hw-chart__text--small">${value === null || value === undefined ? 'none' : format(value)}</text>
          </g>`;
        })}
      </g>`;
    })}
  </svg>`;
}

// columns: [{label, values: [n, n]}] side by side, one column per series, over time.
export function ColumnChart({ id, columns, series }) {
  const width = 480;
  const height = 300;
  const left = 40;
  const top = 36;
  const bottom = 40;
  const plot = height - top - bottom;
  const most = Math.max(1, ...columns.flatMap((c) => c.values.map(number)));
  const step = (width - left) / Math.max(columns.length, 1);
  const bar = Math.max(2, Math.min(18, (step - 6) / series.length));
  const every = Math.ceil(columns.length / 12); // a label on at most 12 columns
  const ticks = [0, Math.round(most / 2), most].filter((t, i, all) => all.indexOf(t) === i);
  return html`<svg class="hw-chart" id=${id} viewBox=${`0 0 ${width} ${height}`} aria-hidden="true" focusable="false">
    <${Key} series=${series} />
    ${ticks.map((t) => {
      const y = top + plot - (t / most) * plot;
      return html`<g key=${`tick-${t}`}>
        <line x1=${left} x2=${width} y1=${y} y2=${y} stroke="#b1b4b6" stroke-width="1" />
        <text x=${left - 6} y=${y + 5} text-anchor="end" class="hw-chart__text hw-chart__text--small">${t}</text>
      </g>`;
    })}
    ${columns.map((column, c) => {
      const x = left + c * step + (step - bar * series.length) / 2;
      return html`<g key=${column.label}>
        ${column.values.map((value, i) => {
          const h = (number(value) / most) * plot;
          return html`<rect key=${i} x=${x + i * bar} y=${top + plot - h} width=${bar - 1} height=${h} fill=${seriesColours[i]} />`;
        })}
        ${c % every === 0 && html`<text x=${left + c * step + step / 2} y=${height - bottom + 20} text-anchor="middle"
          class="hw-chart__text hw-chart__text--small">${column.short ?? column.label}</text>`}
      </g>`;
    })}
  </svg>`;
}
