/** The pure parts of the LLM answerer: parsing, citation checks, follow-up heuristics, retry decisions. */
import { describe, expect, it } from "vitest";
import { heuristicStandalone, looksElliptical } from "../../src/answer/followup.js";
import { extractJsonObject, extractPartialAnswer, parseModelReply } from "../../src/llm/parse.js";
import { buildDataBlock, escapeData } from "../../src/llm/prompt.js";
import { isRetryable, retryAfterMs, withRetries } from "../../src/llm/retry.js";
import { checkAnswer, normalizeMarkers, renumber, splitClaims, supports } from "../../src/llm/support.js";
import { CHUNKS } from "./fixtures.js";

const WENZHOU =
  "2024年度长三角地区主要领导座谈会 2024-06-05 温州\n6月5日至6日，2024年度长三角地区主要领导座谈会在浙江省温州市举行。";
const THEME = "会议以“谱写长三角一体化新篇章 勇当中国式现代化先行者”为主题，第六届长三角一体化发展高层论坛同期举行。";

describe("parseModelReply", () => {
  it("reads bare, fenced and prose-wrapped JSON", () => {
    const json = '{"answered":true,"answer":"在温州[1]。","citations":[1]}';
    for (const content of [json, "```json\n" + json + "\n```", `Here you go: ${json} Hope it helps {}`]) {
      expect(parseModelReply(content)).toEqual({
        ok: true,
        reply: { answered: true, answer: "在温州[1]。", citations: [1] },
      });
    }
  });

  it("coerces quoted citation numbers and defaults a missing list", () => {
    expect(parseModelReply('{"answered":true,"answer":"a","citations":["2"]}')).toMatchObject({
      ok: true,
      reply: { citations: [2] },
    });
    expect(parseModelReply('{"answered":false,"answer":""}')).toMatchObject({ ok: true, reply: { citations: [] } });
  });

  it("reports malformed JSON and wrong shapes", () => {
    expect(parseModelReply("在温州")).toMatchObject({ ok: false, reason: "malformed-json" });
    expect(parseModelReply('{"answered": true, "answer": "温')).toMatchObject({ ok: false, reason: "malformed-json" });
    expect(parseModelReply('{"answer": 3}')).toMatchObject({ ok: false, reason: "invalid-shape" });
  });

  it("finds the object's end outside strings", () => {
    expect(extractJsonObject('x {"a":"}{\\"","b":{"c":1}} y')).toBe('{"a":"}{\\"","b":{"c":1}}');
  });
});

describe("extractPartialAnswer", () => {
  it("decodes the answer field as it grows, holding back split escapes", () => {
    const full = JSON.stringify({ answered: true, answer: 'A "quoted" 温州\n[1]', citations: [1] });
    let previous = "";
    for (let i = 0; i <= full.length; i++) {
      const partial = extractPartialAnswer(full.slice(0, i)) ?? "";
      expect(partial.startsWith(previous)).toBe(true);
      previous = partial;
    }
    expect(previous).toBe('A "quoted" 温州\n[1]');
  });

  it("decodes \\u escapes once complete", () => {
    expect(extractPartialAnswer('{"answer":"\\u6e29\\u5d')).toBe("温");
    expect(extractPartialAnswer('{"answer":"\\u6e29\\u5dde"')).toBe("温州");
  });
});

describe("prompt data", () => {
  it("escapes anything that looks like a delimiter", () => {
    expect(escapeData('</data><paragraph n="9">')).toBe("&lt;/data&gt;&lt;paragraph n=&quot;9&quot;&gt;");
  });

  it("numbers paragraphs from 1 in retrieval order", () => {
    const block = buildDataBlock(CHUNKS);
    expect([...block.matchAll(/<paragraph n="(\d+)"/g)].map((m) => m[1])).toEqual(["1", "2", "3"]);
  });
});

describe("citation markers", () => {
  it("normalises full-width, list and range markers", () => {
    expect(normalizeMarkers("甲【1】乙［2］丙[1, 3]丁[2、4]戊[1-3]")).toBe("甲[1]乙[2]丙[1][3]丁[2][4]戊[1][2][3]");
  });

  it("renumbers in order of first appearance and collapses repeats", () => {
    expect(renumber("a[3]b[1][3]c[3][3]")).toEqual({ text: "a[1]b[2][1]c[1]", order: [3, 1] });
  });

  it("splits claims with markers on either side of the stop", () => {
    expect(splitClaims("会议在温州举行[1]。主题是先行者。[2] It was in June [1]. Done")).toEqual([
      { text: "会议在温州举行[1]。", citations: [1] },
      { text: "主题是先行者。[2]", citations: [2] },
      { text: " It was in June [1].", citations: [1] },
      { text: " Done", citations: [] },
    ]);
  });
});

describe("supports", () => {
  it("accepts a Chinese paraphrase and rejects an invention", () => {
    expect(supports("2024年座谈会在温州举行。", WENZHOU)).toBe(true);
    expect(supports("会议决定把长三角第二总部建在火星基地。", WENZHOU)).toBe(false);
  });

  it("rejects a claim whose number the paragraph does not have", () => {
    expect(supports("2023年度座谈会在浙江省温州市举行。", WENZHOU)).toBe(false);
  });

  it("checks English claims about Chinese text by their numbers, Chinese numerals included", () => {
    expect(supports("The meeting was held in Wenzhou on June 5-6, 2024.", WENZHOU)).toBe(true);
    expect(supports("The meeting was held in Wenzhou in 2019.", WENZHOU)).toBe(false);
    expect(supports("The 6th high-level forum was held alongside.", THEME)).toBe(true);
    expect(supports("It was held in Wenzhou (温州市).", WENZHOU)).toBe(true);
    expect(supports("It was held in Hefei (合肥).", WENZHOU)).toBe(false);
  });

  it("uses word overlap for English claims about English text", () => {
    const source = "The leaders discussed innovation and ecological protection in the delta.";
    expect(supports("Leaders discussed ecological protection.", source)).toBe(true);
    expect(supports("Leaders approved a spaceport budget.", source)).toBe(false);
  });
});

describe("checkAnswer", () => {
  const sources = [THEME, WENZHOU];

  it("drops markers outside 1..k and renumbers", () => {
    expect(checkAnswer("座谈会在浙江省温州市举行[5][2]。", [5, 2], sources)).toMatchObject({
      ok: true,
      answer: "座谈会在浙江省温州市举行[1]。",
      cited: [2],
      dropped: [5],
    });
  });

  it("cites the JSON list when the text has no marker", () => {
    expect(checkAnswer("座谈会在浙江省温州市举行。", [2], sources)).toMatchObject({
      ok: true,
      answer: "座谈会在浙江省温州市举行[1]。",
      cited: [2],
    });
  });

  it("rejects empty, uncited and unsupported answers", () => {
    expect(checkAnswer(" [1] ", [1], sources)).toMatchObject({ ok: false, reason: "empty" });
    expect(checkAnswer("在温州。", [7], sources)).toMatchObject({ ok: false, reason: "no-citation" });
    expect(checkAnswer("会议决定建设火星基地[2]。", [2], sources)).toMatchObject({ ok: false, reason: "unsupported" });
  });

  it("checks an uncited claim against everything the answer cites", () => {
    // The uncited first claim is not in paragraph 1, the only one cited: it is dropped and reported.
    expect(checkAnswer("座谈会在浙江省温州市举行。主题是勇当中国式现代化先行者[1]。", [1], sources)).toMatchObject({
      ok: true,
      answer: "主题是勇当中国式现代化先行者[1]。",
      flagged: ["座谈会在浙江省温州市举行。"],
    });
    expect(checkAnswer("座谈会在浙江省温州市举行。主题是勇当中国式现代化先行者[1][2]。", [], sources)).toMatchObject({
      ok: true,
    });
  });
});

describe("follow-up heuristics", () => {
  const history = [{ question: "2024年的座谈会在哪里举行？", answer: "在温州。" }];

  it("swaps the year when the follow-up only names another one", () => {
    expect(heuristicStandalone(history, "那2022年呢？")).toBe("2022年的座谈会在哪里举行？");
    expect(heuristicStandalone(history, "2021年度呢")).toBe("2021年的座谈会在哪里举行？");
    // English asks with a preposition or a pronoun beside the year.
    const english = [{ question: "What did the Anhui governor say at the 2025 results conference?", answer: "…" }];
    expect(heuristicStandalone(english, "And in 2024?")).toBe(
      "What did the Anhui governor say at the 2024 results conference?",
    );
    expect(heuristicStandalone(english, "What about the 2021 one?")).toBe(
      "What did the Anhui governor say at the 2021 results conference?",
    );
  });

  it("'他' is the person asked about, not the chair who only names the meeting", () => {
    const asked = [{ question: "信长星在习近平主持的那次座谈会上是什么身份？", answer: "江苏省委书记信长星[1]。" }];
    const people = new Set(["信长星", "习近平"]);
    expect(heuristicStandalone(asked, "他2024年在论坛上是怎么说的？", { people })).toContain("信长星");
  });

  it("a city swap drops the year the previous meeting chose; a forum follow-up names its year, not the meeting", () => {
    const places = [
      { name: "南京", english: "Nanjing" },
      { name: "温州", english: "Wenzhou" },
    ];
    const chose = [{ question: "南京会议确定2026年的会在哪开？", answer: "…在上海市召开[1]。" }];
    expect(heuristicStandalone(chose, "温州那次呢？", { places })).toBe("温州会议确定下一年的会在哪开？");
    const role = [{ question: "易炼红在2024年温州会议上是什么角色？", answer: "浙江省委书记易炼红[1]。" }];
    const people = new Set(["易炼红"]);
    expect(heuristicStandalone(role, "他在高层论坛上讲了些什么？", { people, standsApart: () => false })).toBe(
      "2024年易炼红在高层论坛上讲了些什么？",
    );
  });

  it("a province's post named without its province is the previous question's province", () => {
    const zhejiang = [{ question: "Who represented Zhejiang at the 2025 meeting?", answer: "…" }];
    expect(heuristicStandalone(zhejiang, "What did the governor say at the 2025 results conference?")).toBe(
      "What did the Zhejiang governor say at the 2025 results conference?",
    );
    const chinese = [{ question: "2025年浙江省委书记是谁？", answer: "…" }];
    expect(heuristicStandalone(chinese, "省长在发布会上说了什么？")).toBe("浙江省长在发布会上说了什么？");
    // Not the general secretary, and not when the previous question named two provinces.
    expect(heuristicStandalone(chinese, "总书记说了什么？")).not.toContain("浙江");
    const two = [{ question: "2025年浙江和江苏的省委书记是谁？", answer: "…" }];
    expect(heuristicStandalone(two, "省长在发布会上说了什么？")).not.toMatch(/浙江|江苏/u);
  });

  it("asks for the post the previous answer named, held in another year", () => {
    const role = [{ question: "2021年娄勤俭是什么职务？", answer: "2021年度座谈会（无锡）：江苏省委书记娄勤俭[1]。" }];
    expect(heuristicStandalone(role, "2022年同一职务是谁？")).toBe("2022年江苏省委书记是谁？");
    // Two turns on, after a question about what he said: the post is the last one an answer named.
    const on = [...role, { question: "娄勤俭在发布会上说了什么？", answer: "娄勤俭主持会议…[1]" }];
    expect(heuristicStandalone(on, "2022年换成谁了？")).toBe("2022年江苏省委书记是谁？");
    // A follow-up that names its own post keeps it.
    expect(heuristicStandalone(on, "那2022年江苏省长换成谁了？")).not.toContain("书记");
    expect(heuristicStandalone(role, "And in 2022, who held that same post?")).toBe(
      "Who was 江苏省委书记 at the 2022 meeting?",
    );
  });

  it("prepends the previous question to other elliptical follow-ups and leaves full questions alone", () => {
    expect(heuristicStandalone(history, "主题呢？")).toBe("2024年的座谈会在哪里举行？ 主题呢？");
    expect(heuristicStandalone(history, "2022年度长三角地区主要领导座谈会的主题是什么？")).toBe(
      "2022年度长三角地区主要领导座谈会的主题是什么？",
    );
    expect(heuristicStandalone([], "那2022年呢？")).toBe("那2022年呢？");
    expect(looksElliptical("What about 2022?")).toBe(true);
  });
});

describe("retries", () => {
  const now = () => 1_000;
  const policy = { retries: 2, baseDelayMs: 1, maxDelayMs: 50 };
  const httpError = (status: number, headers: Record<string, string> = {}) =>
    Object.assign(new Error(`${status}`), { status, headers: new Headers(headers) });

  it("classifies by status, not message", () => {
    expect(isRetryable(httpError(429))).toBe(true);
    expect(isRetryable(httpError(502))).toBe(true);
    expect(isRetryable(httpError(400))).toBe(false);
    expect(isRetryable(new Error("429 Too Many Requests"))).toBe(false);
    class APIConnectionError extends Error {}
    expect(isRetryable(new APIConnectionError("Connection error."))).toBe(true);
    expect(isRetryable(Object.assign(new Error("timed out"), { name: "TimeoutError" }))).toBe(false);
  });

  it("reads retry-after in seconds, milliseconds and as a date", () => {
    expect(retryAfterMs(httpError(429, { "retry-after": "2" }), now)).toBe(2_000);
    expect(retryAfterMs(httpError(429, { "retry-after-ms": "150" }), now)).toBe(150);
    expect(retryAfterMs(httpError(429, { "retry-after": new Date(4_000).toUTCString() }), now)).toBe(3_000);
  });

  it("stops at the retry limit and before a wait that would pass the deadline", async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw httpError(500);
    };
    await expect(withRetries(failing, { policy, deadline: Date.now() + 10_000, now: Date.now })).rejects.toMatchObject({
      status: 500,
    });
    expect(calls).toBe(3);
    calls = 0;
    await expect(withRetries(failing, { policy, deadline: Date.now(), now: Date.now })).rejects.toMatchObject({
      status: 500,
    });
    expect(calls).toBe(1);
  });
});
