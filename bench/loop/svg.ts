// A latency chart the benchmark writes as SVG, for readers who would rather look than read:
// one cumulative distribution per series, log-scaled milliseconds across, share of requests up.

export type Series = { label: string; samples: readonly number[] };

const COLORS = ['#1d4ed8', '#b91c1c', '#15803d', '#a16207', '#7c3aed', '#0e7490', '#be185d', '#4b5563', '#ea580c', '#65a30d', '#0f172a'];

export function latencyCdfSvg(title: string, series: readonly Series[], width = 760, height = 420): string {
  const pad = { left: 56, right: 200, top: 36, bottom: 44 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const all = series.flatMap((s) => s.samples).filter((v) => v > 0);
  const min = Math.max(0.1, all.length ? Math.min(...all) : 1);
  const max = Math.max(min * 10, all.length ? Math.max(...all) : 10);
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const x = (ms: number) => pad.left + ((Math.log10(Math.max(ms, 10 ** lo)) - lo) / (hi - lo)) * plotW;
  const y = (share: number) => pad.top + (1 - share) * plotH;
  const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${pad.left}" y="20" font-size="14" font-weight="600">${esc(title)}</text>`,
  ];
  for (let decade = lo; decade <= hi; decade++) {
    const px = x(10 ** decade);
    parts.push(`<line x1="${px}" y1="${pad.top}" x2="${px}" y2="${pad.top + plotH}" stroke="#e5e7eb"/>`);
    parts.push(
      `<text x="${px}" y="${pad.top + plotH + 16}" text-anchor="middle">${10 ** decade >= 1 ? 10 ** decade : (10 ** decade).toFixed(-decade)} ms</text>`,
    );
  }
  for (const share of [0, 0.5, 0.9, 0.99, 1]) {
    parts.push(`<line x1="${pad.left}" y1="${y(share)}" x2="${pad.left + plotW}" y2="${y(share)}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${pad.left - 6}" y="${y(share) + 4}" text-anchor="end">${Math.round(share * 100)}%</text>`);
  }
  series.forEach((s, i) => {
    const sorted = [...s.samples].sort((a, b) => a - b);
    if (sorted.length === 0) return;
    const step = Math.max(1, Math.floor(sorted.length / 400));
    const points: string[] = [];
    for (let k = 0; k < sorted.length; k += step) points.push(`${x(sorted[k]!).toFixed(1)},${y((k + 1) / sorted.length).toFixed(1)}`);
    points.push(`${x(sorted.at(-1)!).toFixed(1)},${y(1).toFixed(1)}`);
    const color = COLORS[i % COLORS.length];
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>`);
    parts.push(`<rect x="${pad.left + plotW + 16}" y="${pad.top + i * 20}" width="12" height="12" fill="${color}"/>`);
    parts.push(`<text x="${pad.left + plotW + 34}" y="${pad.top + i * 20 + 10}">${esc(s.label)}</text>`);
  });
  parts.push(
    `<text x="${pad.left + plotW / 2}" y="${height - 8}" text-anchor="middle">latency (log scale); a curve further left is faster</text>`,
  );
  parts.push('</svg>');
  return parts.join('\n');
}
