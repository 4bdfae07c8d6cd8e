/**
 * Inline SVG charts, generated here rather than by a charting library: two chart shapes
 * (stacked bars) in about a hundred lines, no dependency to serve or audit. Pure string
 * builders (every text is escaped), unit-tested in Node (test/unit/web/charts.test.ts).
 */
import { SEVERITIES } from './order.js';

/** Severity fills; the legend and the badges use the same colours (styles.css). */
export const COLORS = { CRITICAL: '#7d1a1a', HIGH: '#c2201f', MEDIUM: '#b07800', LOW: '#6e7781' };

export function escapeXml(text) {
  return String(text).replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&quot;' })[c],
  );
}

const total = (counts) => SEVERITIES.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
const round = (n) => Math.round(n * 100) / 100;

/**
 * One horizontal bar, stacked worst severity first, scaled so that `max` fills the width.
 * Decorative (`aria-hidden`): the row next to it states the counts in text.
 */
export function stackedBar(counts, max) {
  let x = 0;
  const rects = [];
  for (const severity of SEVERITIES) {
    const count = counts[severity] ?? 0;
    if (count === 0 || max <= 0) continue;
    const width = (count / max) * 100;
    rects.push(
      `<rect x="${round(x)}" y="0" width="${round(width)}" height="10" fill="${COLORS[severity]}" data-severity="${severity}"/>`,
    );
    x += width;
  }
  return `<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">${rects.join('')}</svg>`;
}

/**
 * Stacked columns of open findings per scan, oldest left. `points`: `[{ label, counts }]`.
 * The accessible name says where the trend started and where it is now.
 */
export function trendChart(points, { width = 600, height = 160 } = {}) {
  if (points.length === 0) {
    return '<p class="muted">No finished scan with counts yet: the trend starts with the next scan.</p>';
  }
  const max = Math.max(1, ...points.map((p) => total(p.counts)));
  const top = 12;
  const plot = height - top - 4;
  const slot = width / points.length;
  const barWidth = Math.max(2, Math.min(40, slot * 0.7));
  const columns = points.map((point, index) => {
    const x = index * slot + (slot - barWidth) / 2;
    let y = height - 4;
    const rects = [];
    // Worst severity at the bottom, as in the cluster bars (left).
    for (const severity of SEVERITIES) {
      const count = point.counts[severity] ?? 0;
      if (count === 0) continue;
      const h = (count / max) * plot;
      y -= h;
      rects.push(
        `<rect x="${round(x)}" y="${round(y)}" width="${round(barWidth)}" height="${round(h)}" fill="${COLORS[severity]}"/>`,
      );
    }
    const detail = SEVERITIES.map((s) => `${s} ${point.counts[s] ?? 0}`).join(', ');
    return `<g class="point"><title>${escapeXml(`${point.label}: ${total(point.counts)} open (${detail})`)}</title>${rects.join('')}</g>`;
  });
  const first = total(points[0].counts);
  const last = total(points[points.length - 1].counts);
  const label = `Open findings over the last ${points.length} scan(s): ${first} then, ${last} now (highest ${max})`;
  return (
    `<svg class="trend" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}">` +
    `<line x1="0" y1="${height - 4}" x2="${width}" y2="${height - 4}" stroke="#8c959f" stroke-width="1"/>` +
    `<text x="2" y="10" font-size="11" fill="#424a53">${max}</text>` +
    `${columns.join('')}</svg>`
  );
}
