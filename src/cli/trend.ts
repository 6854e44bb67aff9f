/**
 * The trend and comparison output of `npm run ask`: the text form (a bar chart in
 * characters, one cited line per meeting) or JSON, and the PNG chart with --out.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";

import { personNames } from "../corpus/names.js";
import type { Engine } from "../engine.js";
import {
  citationOf,
  createTrendService,
  meetingName,
  parseCompare,
  resolveTrendTheme,
  trendIntent,
  trendLines,
  type CompareItem,
} from "../trend/index.js";
import { UsageError } from "../wiring.js";

/** What the command line asks for. */
export type TrendCliRequest =
  | { kind: "trend"; theme: string; out?: string | undefined }
  | { kind: "compare"; meetings: string; out?: string | undefined };

/** Reads --trend/--compare/--out, or routes a question in words to the trend; undefined for any other question. */
export function trendCliRequest(args: readonly string[], question: string): TrendCliRequest | undefined {
  const value = (flag: string) => (args.indexOf(flag) >= 0 ? args[args.indexOf(flag) + 1] : undefined);
  const out = value("--out");
  if (args.includes("--trend")) {
    const theme = value("--trend");
    if (theme === undefined || theme.startsWith("--"))
      throw new UsageError("--trend needs a theme: npm run ask -- --trend 生态环境 --out chart.png");
    return { kind: "trend", theme, out };
  }
  if (args.includes("--compare")) {
    const at = args.indexOf("--compare");
    const words = args
      .slice(at + 1)
      .filter((a) => !a.startsWith("--") && a !== out)
      .slice(0, 2);
    return { kind: "compare", meetings: words.join(" "), out };
  }
  const intent = question === "" ? undefined : trendIntent(question);
  return intent === undefined
    ? undefined
    : { kind: "trend", theme: intent.theme.id.startsWith("topic:") ? intent.topic : intent.theme.zh, out };
}

/** Prints the trend or comparison; saves the chart when --out is given. */
export async function runTrendCli(request: TrendCliRequest, engine: Engine, options: { json: boolean }): Promise<void> {
  const service = createTrendService({
    chunks: engine.index.chunks,
    segmenter: engine.segmenter,
    artefact: engine.themeWeights,
    people: personNames(engine.corpus),
  });
  const lang = request.kind === "trend" && !/\p{Script=Han}/u.test(request.theme) ? "en" : "zh";
  let png: () => Promise<Buffer>;
  let text: string;
  let json: unknown;
  if (request.kind === "trend") {
    const trend = service.trend(resolveTrendTheme(request.theme));
    if (!trend.mentioned) {
      process.stdout.write(
        lang === "zh" ? `报道中没有提到“${request.theme}”。\n` : `The reports never mention "${request.theme}".\n`,
      );
      process.exitCode = 1;
      return;
    }
    const lines = trendLines(trend, lang);
    const cited = trend.points.map((p, i) =>
      p.evidence
        ? `${lines[i]}\n      ${p.evidence.meetingTitle} 第${p.evidence.paragraph}段：${clip(p.evidence.text)}`
        : lines[i]!,
    );
    text = [`${lang === "zh" ? trend.theme.zh : trend.theme.en}`, ...cited].join("\n");
    json = {
      theme: { id: trend.theme.id, zh: trend.theme.zh, en: trend.theme.en },
      meetings: trend.points.map((p) => ({
        ...p.meeting,
        matching: p.weight.matching,
        share: p.weight.share,
        terms: p.weight.terms,
        citation: p.evidence && citationOf(1, p.evidence),
      })),
    };
    png = () => service.trendPng(trend, lang);
  } else {
    const choice = parseCompare(request.meetings, service.meetings);
    if (!choice.ok)
      throw new UsageError(
        `Cannot tell which meetings "${request.meetings}" means (${choice.reason}). Meetings: ${service.meetings.map((m) => meetingName(m, "zh")).join(", ")}.`,
      );
    const comparison = service.compare(choice.earlier, choice.later);
    const item = (i: CompareItem) => `${i.text}（${i.chunk.meetingTitle} 第${i.chunk.paragraph}段）`;
    text = [comparison.later, comparison.earlier]
      .map((side) =>
        [
          `${meetingName(side.meeting, "zh")}：`,
          `  词语：${side.terms.map(item).join("；")}`,
          `  文件：${side.documents.map(item).join("；")}`,
          `  项目：${side.projects.map(item).join("；")}`,
        ].join("\n"),
      )
      .join("\n");
    json = comparison;
    png = () => service.comparePng(comparison, "zh");
  }
  if (request.out !== undefined) {
    const started = performance.now();
    const bytes = await png();
    writeFileSync(request.out, bytes);
    text += `\n${lang === "zh" ? "图表已保存" : "Chart saved"}: ${resolve(request.out)} (${Math.round(performance.now() - started)} ms)`;
  }
  process.stdout.write(options.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
