/**
 * The real corpus, parsed: the right articles kept, paragraphs rebuilt as a
 * reader would count them, no page noise left, metadata as the corpus README states.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { paragraphText } from "../../src/answer/citations.js";
import { loadCorpus } from "../../src/corpus/load.js";
import type { Article, Corpus, Meeting } from "../../src/corpus/types.js";
import type { Chunk } from "../../src/index/chunk.js";
import { CORPUS, FILES, rawReport } from "../fixtures/helpers.js";

let corpus: Corpus;
const meeting = (id: keyof typeof FILES): Meeting => {
  const m = corpus.meetings.find((x) => x.id === id);
  if (!m) throw new Error(`meeting ${id} not loaded`);
  return m;
};
const body = (a: Article) => a.paragraphs.filter((p) => p.n > 0);
const allParagraphs = () =>
  corpus.meetings.flatMap((m) => m.articles.flatMap((a) => a.paragraphs.map((p) => ({ m, a, p }))));
/** Text without whitespace and with ASCII punctuation in its full-width form, to compare raw and parsed prose. */
const canon = (s: string) =>
  s
    .replace(/\s+/g, "")
    .replace(/,/g, "，")
    .replace(/;/g, "；")
    .replace(/:/g, "：")
    .replace(/\(/g, "（")
    .replace(/\)/g, "）");

beforeAll(() => {
  corpus = loadCorpus(CORPUS);
});

/**
 * Body paragraphs counted by hand from the raw files in corpus/:
 * - 2021 (HTML): 19 `<p>` paragraphs of prose (8 one-line photo captions, the 原标题 line and the photo credit excluded).
 * - 2022 (Markdown): meeting 11 (本报讯 lead … 示范区 paragraph, 4 of them cut at column ends and one across the ■ pull-quotes),
 *   forum 4 (本报讯 lead + 李强, 吴政隆, 袁家军).
 * - 2023 (PDF text): 12 (习近平 lead, 李强/蔡奇, 调研期间, 听取发言, six 习近平强调/指出, 李强讲话, 李干杰… attendees).
 * - 2024 (14-char PDF): meeting 18 (lead, 认真学习, 认为, 强调, 7 × 会议指出, 成果发布会, 4 speeches, 会议期间, 会议确定),
 *   forum 5 (lead + 陈吉宁, 信长星, 易炼红, 韩俊).
 * - 2025 (newspaper page): meeting 17 (lead … 会议确定), forum 6 (lead, 信长星, 肖贵明/演讲, 论坛上发布, 参加论坛, 主办承办).
 */
const EXPECTED: Record<keyof typeof FILES, { kind: "meeting" | "forum"; paragraphs: number }[]> = {
  "2021-wuxi": [{ kind: "meeting", paragraphs: 19 }],
  "2022-shanghai": [
    { kind: "meeting", paragraphs: 11 },
    { kind: "forum", paragraphs: 4 },
  ],
  "2023-shanghai": [{ kind: "meeting", paragraphs: 12 }],
  "2024-wenzhou": [
    { kind: "meeting", paragraphs: 18 },
    { kind: "forum", paragraphs: 5 },
  ],
  "2025-nanjing": [
    { kind: "meeting", paragraphs: 17 },
    { kind: "forum", paragraphs: 6 },
  ],
};

describe("articles kept from each file", () => {
  it("loads one meeting per report file, each from its own file", () => {
    expect(corpus.meetings.map((m) => m.id).sort()).toEqual(Object.keys(FILES).sort());
    for (const [id, file] of Object.entries(FILES)) expect(meeting(id as keyof typeof FILES).source.file).toBe(file);
  });

  for (const [id, articles] of Object.entries(EXPECTED)) {
    it(`${id}: keeps ${articles.map((a) => a.kind).join(" + ")} with paragraph counts within ±2 of a reader's count`, () => {
      const m = meeting(id as keyof typeof FILES);
      expect(m.articles.map((a) => a.kind)).toEqual(articles.map((a) => a.kind));
      m.articles.forEach((article, i) => {
        const count = body(article).length;
        expect(
          Math.abs(count - articles[i]!.paragraphs),
          `${id} ${article.kind}: ${count} paragraphs`,
        ).toBeLessThanOrEqual(2);
      });
    });
  }

  it("2025 Nanjing: drops the 高考 and 民盟 articles from the page, each with a reason", () => {
    const dropped = corpus.dropped.filter((d) => d.file === FILES["2025-nanjing"]);
    const gaokao = dropped.find((d) => d.title.includes("高考"));
    const minmeng = dropped.find((d) => d.title.includes("民盟"));
    expect(gaokao?.reason).toMatch(/\S{4,}/);
    expect(minmeng?.reason).toMatch(/\S{4,}/);
    // Their content is cited nowhere: words only those stories use appear in no kept paragraph.
    for (const word of ["高考", "民盟", "丁仲礼", "考场", "徐正杰"]) {
      expect(rawReport(FILES["2025-nanjing"])).toContain(word);
      expect(allParagraphs().filter(({ p }) => p.text.includes(word))).toEqual([]);
    }
  });

  it("drops nothing from the other four files", () => {
    const others = corpus.dropped.filter((d) => d.file !== FILES["2025-nanjing"]);
    expect(others).toEqual([]);
  });
});

describe("paragraphs are rebuilt whole", () => {
  it("numbers paragraphs 0 (headline) then 1..n without gaps", () => {
    for (const m of corpus.meetings) {
      for (const a of m.articles) {
        const ns = a.paragraphs.map((p) => p.n);
        const start = ns[0] === 0 ? 0 : 1;
        expect(ns, `${m.id} article ${a.index}`).toEqual(ns.map((_, i) => i + start));
        expect(a.paragraphs.filter((p) => p.n === 0).length).toBeLessThanOrEqual(1);
      }
      expect(m.articles.map((a) => a.index)).toEqual(m.articles.map((_, i) => i + 1));
    }
  });

  it("no body paragraph starts mid-sentence or follows one left unfinished", () => {
    for (const m of corpus.meetings) {
      for (const a of m.articles) {
        const paragraphs = body(a);
        paragraphs.forEach((p, i) => {
          expect(p.text, `${m.id}/${a.index}/${p.n} starts mid-sentence`).not.toMatch(
            /^[，。、；：！？）》”’,.;:!?)a-z]/u,
          );
          expect(p.text, `${m.id}/${a.index}/${p.n} ends mid-sentence`).toMatch(/[。！？][”’）》」]*$/u);
          if (i > 0) expect(paragraphs[i - 1]!.text).toMatch(/[。！？][”’）》」]*$/u);
        });
      }
    }
  });

  it("a paragraph cut in two at a column end (and across the ■ pull-quotes) is joined back", () => {
    // Find in the raw Markdown every line that stops mid-sentence before a blank line and the line that continues it.
    const raw = rawReport(FILES["2022-shanghai"])
      .split(/\r?\n/)
      .map((l) => l.trim());
    const prose = raw.filter((l) => l && !/^(#|■|\*\*|[（(]下转)/.test(l) && /[，。]/.test(l));
    const joins: string[] = [];
    prose.forEach((line, i) => {
      const next = prose[i + 1];
      if (next && !/[。！？”]$/.test(line)) joins.push(canon(line.slice(-6) + next.slice(0, 6)));
    });
    expect(joins.length).toBeGreaterThanOrEqual(5);
    const texts = meeting("2022-shanghai").articles.flatMap((a) => a.paragraphs.map((p) => canon(p.text)));
    for (const seam of joins)
      expect(
        texts.some((t) => t.includes(seam)),
        seam,
      ).toBe(true);
  });

  it("PDF text: every character of the 2023 report's prose survives, in order, and nothing is added", () => {
    const raw = rawReport(FILES["2023-shanghai"])
      .split(/\r?\n/)
      .filter((l) => l.trim());
    const title = raw[0]!.trim();
    const m = meeting("2023-shanghai");
    expect(m.articles[0]!.paragraphs[0]!.text).toBe(title);
    expect(
      canon(
        body(m.articles[0]!)
          .map((p) => p.text)
          .join(""),
      ),
    ).toBe(canon(raw.slice(1).join("")));
  });

  it("newspaper text: the 2024 and 2025 meeting reports keep every character between the dateline and 会议确定", () => {
    for (const id of ["2024-wenzhou", "2025-nanjing"] as const) {
      const lines = rawReport(FILES[id])
        .split(/\r?\n/)
        .filter((l) => l.trim());
      const from = lines.findIndex((l) => l.trim().startsWith("本报讯"));
      const to = lines.findIndex(
        (l, i) =>
          i > from &&
          /。$/.test(l.trim()) &&
          lines
            .slice(from, i + 1)
            .join("")
            .includes("会议确定"),
      );
      const rawText = canon(lines.slice(from, to + 1).join("")).replace(/^本报讯/, "");
      const parsed = canon(
        body(meeting(id).articles[0]!)
          .map((p) => p.text)
          .join(""),
      );
      expect(parsed, id).toBe(rawText);
    }
  });

  it("HTML: each prose <p> of the 2021 page is one paragraph, stock-quote links reduced to their words", () => {
    const html = rawReport(FILES["2021-wuxi"]);
    const ps = [...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) =>
      m[1]!.replace(/<[^>]+>/g, "").replace(/^[\s\u3000]+|[\s\u3000]+$/g, ""),
    );
    // Not prose: the 原标题 line, the photo credit, and the captions (short lines right after an image block).
    const captions = new Set([...html.matchAll(/<\/div>\s*<p>[\s\u3000]*([^<]{4,40}。)<\/p>/g)].map((m) => m[1]!));
    const prose = ps.filter((t) => t && !t.startsWith("原标题") && !/摄\s*[)）]$/.test(t) && !captions.has(t));
    const parsed = body(meeting("2021-wuxi").articles[0]!).map((p) => p.text);
    expect(prose.length).toBeGreaterThan(10);
    expect(parsed).toEqual(prose);
  });
});

describe("no page noise survives", () => {
  const noise: [string, RegExp][] = [
    ["page-jump marker", /下转|上接|转第\S{0,3}版/],
    ["HTML tag or angle bracket", /[<>]/],
    ["link", /https?:|www\./i],
    ["pull-quote mark", /[■□◆]/],
    ["photo credit", /摄\s*[）)]?$|本文图片/],
    ["editor line", /责任编辑|责编[:：]/],
    ["stock-quote markup", /stock|realstock|sudaclick|keyword|sh600405|sz300005/i],
    ["Markdown markup", /\*\*|^#|!\[/],
    ["QR/CSS block", /appendQr|新浪财经APP|海量资讯|&#123;|\{|\}/],
    ["space between a Han character and a digit", /\p{Script=Han}[ \t\u3000]+\d|\d[ \t\u3000]+\p{Script=Han}/u],
    ["dateline", /^(本报讯|新华社.{0,10}电)/],
  ];
  for (const [what, pattern] of noise) {
    it(`no ${what}`, () => {
      const hits = allParagraphs()
        .filter(({ p }) => pattern.test(p.text))
        .map(({ m, a, p }) => `${m.id}/${a.index}/${p.n}: ${p.text.slice(0, 50)}`);
      expect(hits).toEqual([]);
    });
  }

  it("the raw files did carry that noise (so the checks above test something)", () => {
    const all = Object.values(FILES).map(rawReport).join("\n");
    for (const s of [
      "下转第3版",
      "<p>",
      "http",
      "■",
      "摄",
      "责任编辑",
      "stock_sh600405",
      "**本报讯**",
      "appendQr",
      "11 月 30",
    ])
      expect(all).toContain(s);
  });

  it("photo captions of the web page are not paragraphs", () => {
    // The captions are the short <p>s that follow an image block and only say who spoke.
    const html = rawReport(FILES["2021-wuxi"]);
    const captions = [...html.matchAll(/<\/div>\s*<p>[\s\u3000]*([^<]{4,40}。)<\/p>/g)].map((m) => m[1]!);
    expect(captions.length).toBeGreaterThanOrEqual(6);
    const texts = new Set(allParagraphs().map(({ p }) => p.text));
    for (const caption of captions) expect(texts.has(caption), caption).toBe(false);
  });

  it("pull-quotes that repeat the body are neither paragraphs of their own nor pasted into the body", () => {
    const lines = rawReport(FILES["2022-shanghai"])
      .split(/\r?\n/)
      .map((l) => l.trim());
    const quotes = lines.filter((l) => l.startsWith("■")).map((l) => canon(l.replace(/^■\s*/, "")));
    const rawBody = canon(lines.filter((l) => !l.startsWith("■")).join(""));
    expect(quotes.length).toBe(2);
    const texts = meeting("2022-shanghai").articles.flatMap((a) => a.paragraphs.map((p) => canon(p.text)));
    for (const quote of quotes) {
      expect(texts.filter((t) => t === quote || t === `${quote}。`)).toEqual([]);
      // The quoted words occur in the parsed report exactly as often as in the body text around the quotes.
      const parsed = texts.reduce((n, t) => n + t.split(quote).length - 1, 0);
      expect(parsed, quote.slice(0, 20)).toBe(rawBody.split(quote).length - 1);
    }
  });
});

describe("datelines", () => {
  it("are kept beside the searched text, and a citation quotes the paragraph with its dateline as printed", () => {
    const leads = allParagraphs().filter(({ p }) => p.dateline);
    // The three newspaper pages open each kept report (meeting and forum) with 本报讯.
    expect(leads.map(({ m, a }) => `${m.id}/${a.kind}/${leads.find((l) => l.a === a)?.p.dateline}`).sort()).toEqual(
      ["2022-shanghai", "2024-wenzhou", "2025-nanjing"].flatMap((id) => [`${id}/forum/本报讯`, `${id}/meeting/本报讯`]),
    );
    for (const { m, a, p } of leads) {
      expect(p.n).toBe(1);
      expect(p.text).not.toMatch(/^本报讯/);
      const chunk = { meetingId: m.id, articleIndex: a.index, paragraph: p.n, text: p.text } as Chunk;
      expect(paragraphText(corpus.meetings, chunk)).toBe(`${p.dateline} ${p.text}`);
    }
  });
});

describe("meeting metadata", () => {
  const README: Record<keyof typeof FILES, Partial<Meeting>> = {
    "2021-wuxi": {
      year: 2021,
      kind: "annual",
      city: "无锡",
      province: "江苏",
      startDate: "2021-05-26",
      endDate: "2021-05-27",
    },
    "2022-shanghai": {
      year: 2022,
      kind: "annual",
      city: "上海",
      province: "上海",
      startDate: "2022-08-16",
      endDate: "2022-08-17",
    },
    "2023-shanghai": {
      year: 2023,
      kind: "symposium",
      city: "上海",
      province: "上海",
      startDate: "2023-11-30",
      endDate: "2023-11-30",
    },
    "2024-wenzhou": {
      year: 2024,
      kind: "annual",
      city: "温州",
      province: "浙江",
      startDate: "2024-06-05",
      endDate: "2024-06-06",
    },
    "2025-nanjing": {
      year: 2025,
      kind: "annual",
      city: "南京",
      province: "江苏",
      startDate: "2025-06-06",
      endDate: "2025-06-07",
    },
  };
  for (const [id, expected] of Object.entries(README)) {
    it(`${id}: ${expected.year}, ${expected.city}, ${expected.startDate}…${expected.endDate}, ${expected.kind}`, () => {
      expect(meeting(id as keyof typeof FILES)).toMatchObject(expected);
    });
  }

  it("titles and forums come from the text", () => {
    for (const m of corpus.meetings.filter((x) => x.kind === "annual"))
      expect(m.title).toBe(`${m.year}年度长三角地区主要领导座谈会`);
    expect(meeting("2023-shanghai").title).toBe("深入推进长三角一体化发展座谈会");
    expect(meeting("2021-wuxi").forum).toBe("第三届长三角一体化发展高层论坛");
    expect(meeting("2024-wenzhou").forum).toBe("第六届长三角一体化发展高层论坛");
    expect(meeting("2025-nanjing").forum).toBe("第七届长三角一体化发展高层论坛");
  });

  it("themes are the quoted 主题 of each annual meeting's report", () => {
    for (const m of corpus.meetings.filter((x) => x.kind === "annual")) {
      const text = m.articles.flatMap((a) => a.paragraphs.map((p) => p.text)).join("");
      expect(m.theme, m.id).toBeTruthy();
      expect(text).toContain(`以“${m.theme}”为主题`);
    }
  });

  it("the 2023 symposium's year comes from the manifest: the text never states it", () => {
    const raw = rawReport(FILES["2023-shanghai"]);
    expect(raw).not.toMatch(/20\d\d/);
    const manifest = JSON.parse(readFileSync(join(CORPUS, "manifest.json"), "utf8")) as {
      reports: { file: string; startDate?: string }[];
    };
    const entry = manifest.reports.find((r) => r.file === FILES["2023-shanghai"]);
    expect(meeting("2023-shanghai").year).toBe(Number(entry?.startDate?.slice(0, 4)));
    // The day is also in the text ("11 月 30 日"), and agrees.
    expect(canon(raw)).toContain(
      `${Number(entry!.startDate!.slice(5, 7))}月${Number(entry!.startDate!.slice(8, 10))}日`,
    );
  });

  it("orders meetings by date", () => {
    const dates = corpus.meetings.map((m) => m.startDate);
    expect(dates).toEqual([...dates].sort());
  });
});
