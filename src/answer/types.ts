/** What every answerer returns, and the interface the extractive and LLM answerers share. */
import type { Retrieved } from "../retrieval/types.js";

export type { Retrieved };

/** A numbered citation: `[n]` in the answer text points at this paragraph. */
export interface Citation {
  n: number;
  meetingId: string;
  /** Meeting title, e.g. 2024年度长三角地区主要领导座谈会. */
  meeting: string;
  /** Article title within the meeting's report. */
  article: string;
  articleIndex: number;
  articleKind: "meeting" | "forum";
  paragraph: number;
  /** The whole cited paragraph, so a user can open it. */
  text: string;
  source: { name: string; url?: string | undefined };
  date: string;
  city: string;
}

/** Which path produced the answer; shown only in `--json` and logs, never to users. */
export type AnswerPath = "extractive" | "llm" | "llm-fallback";

/** An answer to one question. When `answered` is false, `answer` says the reports don't cover it. */
export interface Answer {
  question: string;
  answered: boolean;
  answer: string;
  citations: Citation[];
  /** Top retrieved chunks, best first. */
  retrieved: Retrieved[];
  path: AnswerPath;
  /** Language of the question, for interface texts. */
  language: "zh" | "en";
}

/** A previous turn in the same chat, for follow-up questions. */
export interface Turn {
  question: string;
  answer: string;
}

/** Options for one question. */
export interface AskOptions {
  /** Earlier turns in this chat, oldest first. */
  history?: readonly Turn[];
  signal?: AbortSignal;
  /** Called with the answer text as it grows (LLM streaming); extractive answerers may call it once. */
  onPartial?: (text: string) => void;
}

/** Anything that turns a question into a cited answer. */
export interface Answerer {
  ask(question: string, options?: AskOptions): Promise<Answer>;
}
