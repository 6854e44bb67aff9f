/**
 * Charts as PNG, offline and in process: a small SVG builder of our own (two
 * chart shapes do not need a charting library) and @resvg/resvg-js to raster
 * it, with the Noto Sans (Simplified Chinese) font shipped by the
 * @embedpdf/fonts-sc package, so Chinese labels never depend on system fonts.
 * resvg parses the font once per text run, which costs about 0.1 s for the
 * 8 MB font, so each chart gets a subset with only its own characters
 * (subset-font, HarfBuzz's hb-subset compiled to wasm), cached by character set.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

// @resvg/resvg-js and subset-font (a wasm HarfBuzz) load on the first chart, not at import: start-up never pays for them.

/** One bar of a trend chart. */
export interface TrendBar {
  /** Two label lines under the bar, e.g. ["2024", "温州"]. */
  label: [string, string];
  /** 0..1 */
  share: number;
  /** Small print under the label (the matching terms). */
  note?: string;
}

/** One row of a comparison chart: a theme's share in both meetings. */
export interface CompareRow {
  label: string;
  earlier: number;
  later: number;
}

const FONT_FAMILY = "Noto Sans S Chinese";
const require = createRequire(import.meta.url);
/** The Regular weight of the bundled font (the package's exports name only its index, so go from there). */
export const CHART_FONT_FILE = join(
  dirname(require.resolve("@embedpdf/fonts-sc")),
  "..",
  "fonts",
  "NotoSansHans-Regular.otf",
);

const COLORS = {
  bar: "#2f6f9f",
  earlier: "#9db8cc",
  later: "#2f6f9f",
  axis: "#888",
  text: "#222",
  muted: "#666",
  grid: "#e6e6e6",
};

/** The SVG of a vertical bar chart: one bar per meeting, in the given order, labelled with its share. */
export function trendChartSvg(title: string, subtitle: string, bars: readonly TrendBar[]): string {
  const width = Math.max(640, 150 * bars.length + 120);
  const height = 520;
  const plot = { left: 70, right: width - 30, top: 110, bottom: 400 };
  const max = niceMax(Math.max(0.01, ...bars.map((b) => b.share)));
  const slot = (plot.right - plot.left) / Math.max(1, bars.length);
  const y = (v: number) => plot.bottom - (v / max) * (plot.bottom - plot.top);
  const parts: string[] = [header(width, height, title, subtitle), ...grid(plot, max, y)];
  bars.forEach((bar, i) => {
    const x = plot.left + slot * i + slot * 0.2;
    const w = slot * 0.6;
    const top = y(bar.share);
    const cx = x + w / 2;
    parts.push(
      `<rect x="${f(x)}" y="${f(top)}" width="${f(w)}" height="${f(plot.bottom - top)}" fill="${COLORS.bar}" rx="3"/>`,
    );
    parts.push(text(cx, top - 8, percent(bar.share), 18, COLORS.text, "middle", true));
    parts.push(text(cx, plot.bottom + 26, bar.label[0], 17, COLORS.text, "middle", true));
    parts.push(text(cx, plot.bottom + 50, bar.label[1], 16, COLORS.text, "middle"));
    if (bar.note)
      parts.push(text(cx, plot.bottom + 76, clip(bar.note, Math.floor(slot / 13)), 12, COLORS.muted, "middle"));
  });
  return `${parts.join("")}</svg>`;
}

/** The SVG of a grouped horizontal bar chart: per row, the earlier and the later meeting's share. */
export function compareChartSvg(title: string, legend: [string, string], rows: readonly CompareRow[]): string {
  const width = 860;
  const rowHeight = 38;
  const plot = { left: 190, right: width - 80, top: 120, bottom: 120 + rowHeight * rows.length };
  const height = plot.bottom + 40;
  const max = niceMax(Math.max(0.01, ...rows.flatMap((r) => [r.earlier, r.later])));
  const x = (v: number) => plot.left + (v / max) * (plot.right - plot.left);
  const parts: string[] = [header(width, height, title, "")];
  parts.push(
    `<rect x="${plot.left}" y="76" width="14" height="14" fill="${COLORS.earlier}"/>`,
    text(plot.left + 20, 88, legend[0], 15, COLORS.text, "start"),
  );
  parts.push(
    `<rect x="${plot.left + 260}" y="76" width="14" height="14" fill="${COLORS.later}"/>`,
    text(plot.left + 280, 88, legend[1], 15, COLORS.text, "start"),
  );
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    parts.push(
      `<line x1="${f(x(v))}" y1="${plot.top - 6}" x2="${f(x(v))}" y2="${plot.bottom}" stroke="${COLORS.grid}"/>`,
    );
    parts.push(text(x(v), plot.bottom + 22, percent(v), 12, COLORS.muted, "middle"));
  }
  rows.forEach((row, i) => {
    const top = plot.top + i * rowHeight;
    parts.push(text(plot.left - 10, top + 23, row.label, 15, COLORS.text, "end"));
    for (const [j, value, color] of [
      [0, row.earlier, COLORS.earlier],
      [1, row.later, COLORS.later],
    ] as const) {
      const barTop = top + 4 + j * 15;
      parts.push(
        `<rect x="${plot.left}" y="${barTop}" width="${f(Math.max(1, x(value) - plot.left))}" height="13" fill="${color}"/>`,
      );
      parts.push(text(x(value) + 6, barTop + 11, percent(value), 11, COLORS.muted, "start"));
    }
  });
  return `${parts.join("")}</svg>`;
}

/** Rasters an SVG made here to PNG with the bundled font, subset to the SVG's characters (system fonts are not loaded). */
export async function renderPng(svg: string): Promise<Buffer> {
  const [{ Resvg }, fontFile] = await Promise.all([import("@resvg/resvg-js"), fontSubsetFor(svg)]);
  const resvg = new Resvg(svg, {
    background: "#ffffff",
    font: {
      fontFiles: [fontFile],
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  });
  return resvg.render().asPng();
}

let fontBytes: Buffer | undefined;
let subsetDir: string | undefined;
const SUBSETS_KEPT = 64;
const subsets = new Map<string, string>();

/** A font file with the glyphs of every character in the SVG's text, made once per character set. */
async function fontSubsetFor(svg: string): Promise<string> {
  const chars = [
    ...new Set(
      svg
        .replace(/<[^>]*>/gu, "")
        .replace(/&(?:amp|lt|gt|quot);/gu, (e) => ({ "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"' })[e]!),
    ),
  ]
    .sort()
    .join("");
  const key = createHash("sha256").update(chars).digest("hex").slice(0, 20);
  const cached = subsets.get(key);
  if (cached !== undefined && existsSync(cached)) return cached;
  fontBytes ??= readFileSync(CHART_FONT_FILE);
  subsetDir ??= mkdtempSync(join(tmpdir(), "csj-chart-font-"));
  const file = join(subsetDir, `${key}.ttf`);
  const { default: subsetFont } = await import("subset-font");
  writeFileSync(file, await subsetFont(fontBytes, `${chars}0123456789.%×`, { targetFormat: "truetype" }));
  if (subsets.size >= SUBSETS_KEPT) subsets.delete(subsets.keys().next().value!);
  subsets.set(key, file);
  return file;
}

function header(width: number, height: number, title: string, subtitle: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">` +
    `<rect width="${width}" height="${height}" fill="#fff"/>` +
    text(30, 44, title, 24, COLORS.text, "start", true) +
    (subtitle ? text(30, 72, subtitle, 14, COLORS.muted, "start") : "")
  );
}

function grid(
  plot: { left: number; right: number; top: number; bottom: number },
  max: number,
  y: (v: number) => number,
): string[] {
  const parts: string[] = [];
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    parts.push(
      `<line x1="${plot.left}" y1="${f(y(v))}" x2="${plot.right}" y2="${f(y(v))}" stroke="${t === 0 ? COLORS.axis : COLORS.grid}"/>`,
    );
    parts.push(text(plot.left - 8, y(v) + 4, percent(v), 12, COLORS.muted, "end"));
  }
  return parts;
}

function text(
  x: number,
  y: number,
  content: string,
  size: number,
  fill: string,
  anchor: "start" | "middle" | "end",
  bold = false,
): string {
  return `<text x="${f(x)}" y="${f(y)}" font-size="${size}" fill="${fill}" text-anchor="${anchor}"${bold ? ' font-weight="bold"' : ""}>${escapeXml(content)}</text>`;
}

/** A share as a percentage with at most one decimal, e.g. 0.1234 → "12.3%". */
export function percent(share: number): string {
  const value = Math.round(share * 1000) / 10;
  return `${value}%`;
}

function niceMax(value: number): number {
  for (const step of [0.05, 0.1, 0.2, 0.25, 0.4, 0.5, 0.6, 0.8, 1]) if (value <= step) return step;
  return 1;
}

function clip(text: string, chars: number): string {
  const list = [...text];
  return list.length <= chars ? text : `${list.slice(0, Math.max(1, chars - 1)).join("")}…`;
}

function escapeXml(text: string): string {
  return text.replace(/&/gu, "&amp;").replace(/</gu, "&lt;").replace(/>/gu, "&gt;").replace(/"/gu, "&quot;");
}

const f = (n: number) => (Math.round(n * 10) / 10).toString();
