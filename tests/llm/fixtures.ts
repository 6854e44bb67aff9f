/** Fixed chunks, a fake retriever, a recording fallback answerer and a capturing logger for the LLM tests. */
import type { Answer, Answerer, AskOptions } from "../../src/answer/types.js";
import type { Chunk } from "../../src/index/chunk.js";
import { createLogger, type Logger } from "../../src/logger.js";
import type { Retriever } from "../../src/retrieval/types.js";

/** Builds a chunk of the 2024 Wenzhou meeting unless overridden. */
export function chunk(overrides: Partial<Chunk> & Pick<Chunk, "text">): Chunk {
  const base: Chunk = {
    id: "2024-wenzhou/1/1",
    meetingId: "2024-wenzhou",
    meetingKind: "annual",
    meetingTitle: "2024年度长三角地区主要领导座谈会",
    year: 2024,
    startDate: "2024-06-05",
    city: "温州",
    province: "浙江",
    articleIndex: 1,
    articleKind: "meeting",
    articleTitle: "2024年度长三角地区主要领导座谈会在浙江温州举行",
    paragraph: 1,
    part: 0,
    text: overrides.text,
    source: { name: "浙江日报", url: "https://example.org/2024", file: "000.txt" },
  };
  return { ...base, ...overrides };
}

/** Three paragraphs: the 2024 theme, the 2024 place (the one to cite), and the 2022 place. */
export const CHUNKS: Chunk[] = [
  chunk({
    id: "2024-wenzhou/1/2",
    paragraph: 2,
    text: "会议以“谱写长三角一体化新篇章 勇当中国式现代化先行者”为主题，审议并原则通过《长三角地区一体化发展三年行动计划（2024—2026年）》。",
  }),
  chunk({
    id: "2024-wenzhou/1/1",
    paragraph: 1,
    text: "6月5日至6日，2024年度长三角地区主要领导座谈会在浙江省温州市举行。上海市委书记陈吉宁，江苏省委书记信长星，浙江省委书记易炼红，安徽省委书记韩俊出席会议。",
  }),
  chunk({
    id: "2022-shanghai/1/1",
    meetingId: "2022-shanghai",
    meetingTitle: "2022年度长三角地区主要领导座谈会",
    year: 2022,
    startDate: "2022-08-24",
    city: "上海",
    province: "上海",
    articleTitle: "2022年度长三角地区主要领导座谈会在上海举行",
    paragraph: 1,
    text: "8月24日，2022年度长三角地区主要领导座谈会在上海举行。会议以“共担新使命 同谱一体化发展新篇章”为主题。",
    source: { name: "解放日报", file: "001.txt" },
  }),
];

/** A retriever returning fixed chunks and recording each question. */
export function fakeRetriever(chunks: Chunk[] = CHUNKS): Retriever & { questions: string[] } {
  const questions: string[] = [];
  return {
    questions,
    async retrieve(question, options) {
      questions.push(question);
      const k = options?.k ?? chunks.length;
      return {
        query: { text: question, meetingIds: [], terms: [], language: /\p{Script=Han}/u.test(question) ? "zh" : "en" },
        results: chunks.slice(0, k).map((c, i) => ({ chunk: c, score: 1 - i * 0.1 })),
      };
    },
  };
}

/** The fallback's fixed answer text. */
export const EXTRACTIVE_TEXT = "2024年度长三角地区主要领导座谈会在浙江省温州市举行。[1]";

/** An extractive answerer stand-in that records its calls. */
export function fakeFallback(): Answerer & { calls: { question: string; options: AskOptions | undefined }[] } {
  const calls: { question: string; options: AskOptions | undefined }[] = [];
  return {
    calls,
    async ask(question, options): Promise<Answer> {
      calls.push({ question, options });
      return {
        question,
        answered: true,
        answer: EXTRACTIVE_TEXT,
        citations: [],
        retrieved: [],
        path: "extractive",
        language: "zh",
      };
    },
  };
}

/** A debug-level logger whose lines are kept for assertions. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: "debug", write: (line) => lines.push(line) }), lines };
}

/** The JSON reply the answer prompt asks for. */
export function reply(answer: string, citations: number[], answered = true): string {
  return JSON.stringify({ answered, answer, citations });
}
