/**
 * A predictable Answerer for bot tests. It answers every question from the
 * fixtures with two citations, refuses weather questions, echoes the history
 * it was given (so tests see follow-ups), writes a very long answer on
 * "长答案", throws on "boom", and can stream via onPartial.
 */
import type { Answer, Answerer, AskOptions, Turn } from "../../../src/answer/types.js";
import { citationOf } from "./fixtures.js";

export interface FakeAnswererOptions {
  /** Stream the answer in this many growing partials, `delayMs` apart. */
  stream?: { chunks: number; delayMs: number };
  /** Delay before answering. */
  delayMs?: number;
  /** Message of the error thrown for questions containing "boom". */
  errorMessage?: string;
}

export interface FakeAnswerer extends Answerer {
  readonly calls: Array<{ question: string; history: readonly Turn[] }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createFakeAnswerer(options: FakeAnswererOptions = {}): FakeAnswerer {
  const calls: FakeAnswerer["calls"] = [];
  return {
    calls,
    async ask(question: string, ask: AskOptions = {}): Promise<Answer> {
      const history = ask.history ?? [];
      calls.push({ question, history });
      if (options.delayMs !== undefined) await sleep(options.delayMs);
      if (question.includes("boom")) throw new Error(options.errorMessage ?? "answerer exploded");
      const language = /\p{Script=Han}/u.test(question) ? "zh" : "en";
      const base = { question, retrieved: [], path: "extractive" as const, language } satisfies Partial<Answer>;
      if (/天气|weather/iu.test(question)) {
        const answer = language === "zh" ? "报道中没有提到这个问题。" : "The reports don't cover that.";
        return { ...base, answered: false, answer, citations: [] };
      }
      const citations = [citationOf(1, "2024-wenzhou", 1, 1), citationOf(2, "2024-wenzhou", 1, 2)];
      let answer =
        language === "zh"
          ? "2024年度座谈会在浙江温州召开[1]，会议要求深化 <创新链> & 产业链协同[2]。"
          : "The 2024 meeting was held in Wenzhou, Zhejiang [1]; it called for closer <innovation> & industry links [2].";
      if (history.length > 0) answer += `（上文：${history.map((turn) => turn.question).join(" / ")}）`;
      if (question.includes("长答案")) {
        // About 9 000 characters in sentences, so the reply needs three messages.
        answer = Array.from({ length: 300 }, (_, i) => `第${i + 1}句：会议强调 <协同> & 创新[1]。`).join("");
        citations.push(...[3, 4, 5, 6].map((n) => ({ ...citationOf(n, "2024-wenzhou", 1, 3), n })));
      }
      if (options.stream !== undefined && ask.onPartial !== undefined) {
        const { chunks, delayMs } = options.stream;
        for (let i = 1; i <= chunks; i++) {
          ask.onPartial(answer.slice(0, Math.ceil((answer.length * i) / chunks)));
          if (delayMs > 0) await sleep(delayMs);
        }
      }
      return { ...base, answered: true, answer, citations };
    },
  };
}
