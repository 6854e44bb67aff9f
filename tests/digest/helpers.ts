/** Fixtures for the digest tests: a small corpus of chunks, a fake clock, a recording sender, temp databases. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Chunk } from "../../src/index/chunk.js";
import type { Digest } from "../../src/digest/compose.js";
import type { Clock, DigestSender } from "../../src/digest/delivery.js";
import type { Language } from "../../src/store/store.js";

/** One meeting of the fixture corpus: its paragraphs, in order. */
export interface FixtureMeeting {
  id: string;
  year: number;
  startDate: string;
  paragraphs: string[];
}

/** Builds chunks the way chunkCorpus does (one article per meeting; a paragraph given as an array is split into parts). */
export function buildChunks(meetings: readonly FixtureMeeting[]): Chunk[] {
  return meetings.flatMap((m) =>
    m.paragraphs.flatMap((text, i) => {
      const parts = text.split("|");
      return parts.map((part, p) => ({
        id: `${m.id}/1/${i + 1}${p ? `.${p}` : ""}`,
        meetingId: m.id,
        meetingKind: "annual" as const,
        meetingTitle: `${m.year}年度长三角地区主要领导座谈会`,
        year: m.year,
        startDate: m.startDate,
        city: "上海",
        province: "上海",
        articleIndex: 1,
        articleKind: "meeting" as const,
        articleTitle: `${m.year}年度长三角地区主要领导座谈会举行`,
        paragraph: i + 1,
        part: p,
        text: part,
        source: { name: "解放日报", url: `https://example.org/${m.id}`, file: `${m.id}.txt` },
      }));
    }),
  );
}

const TECH = ["集成电路", "人工智能", "生物医药", "量子信息", "新能源汽车", "大科学装置", "创新策源", "科创走廊"];
const ECO = ["太湖", "长江", "淀山湖", "湿地"];

/**
 * A corpus of four meetings (2021–2024). Each has six tech paragraphs (科技创新 terms),
 * two ecology ones and two that match no theme: 24 tech paragraphs in all.
 */
export function fixtureMeetings(years = [2021, 2022, 2023, 2024]): FixtureMeeting[] {
  return years.map((year, y) => ({
    id: `${year}-annual`,
    year,
    startDate: `${year}-06-0${y + 1}`,
    paragraphs: [
      ...Array.from({ length: 6 }, (_, i) => {
        const topic = TECH[(i + y) % TECH.length]!;
        return `会议指出，${year}年三省一市要围绕${topic}开展科技创新第${i + 1}项合作。会议还听取了有关工作汇报，研究部署了下一阶段重点任务，确保各项工作落地见效。`;
      }),
      `会议强调，要加强${ECO[y % ECO.length]}生态环境共保联治，推进绿色低碳发展，协同治理跨界水体。`,
      `${year}年，长三角绿色发展示范区建设取得新进展，生态保护红线得到严格落实。`,
      `与会同志一致认为，${year}年各项工作扎实推进。`,
      `会议由主办方主持，与会人员进行了交流。`,
    ],
  }));
}

/** The fixture corpus as chunks. */
export function fixtureChunks(years?: number[]): Chunk[] {
  return buildChunks(fixtureMeetings(years));
}

/**
 * Virtual time shared by the wall clock (`now`) and the throttle (`clock`). Sleeps do not
 * wait: once every running task is blocked (checked with setImmediate, i.e. after the
 * microtask queue drained), time jumps to the earliest sleep's end and wakes it. So a
 * broadcast of thousands of messages runs in milliseconds with exact timings.
 */
export function fakeTime(startIso: string) {
  let t = Date.parse(startIso);
  const timers: { at: number; seq: number; wake: () => void }[] = [];
  let seq = 0;
  let driving = false;
  const drive = () => {
    driving = false;
    if (timers.length === 0) return;
    timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = timers.shift()!;
    t = Math.max(t, next.at);
    next.wake();
    driving = true;
    setImmediate(drive);
  };
  const clock: Clock = {
    now: () => t,
    sleep: (ms) =>
      new Promise<void>((wake) => {
        timers.push({ at: t + Math.max(0, ms), seq: seq++, wake });
        if (!driving) {
          driving = true;
          setImmediate(drive);
        }
      }),
  };
  return {
    clock,
    now: () => new Date(t),
    /** Moves time forward. */
    advance(ms: number) {
      t += ms;
    },
    /** Jumps to an instant (never backwards). */
    set(iso: string) {
      t = Math.max(t, Date.parse(iso));
    },
    get ms() {
      return t;
    },
  };
}

/** A digest Telegram accepted, as the fake sender saw it. */
export interface SentMessage {
  chatId: number;
  digest: Digest;
  language: Language;
  /** Virtual time of the send, ms. */
  at: number;
  messageId: number;
}

/**
 * A sender that records what it delivered. `behave` may throw a DeliveryError, or
 * return "hang" to never answer (a request in flight when the process dies), or
 * "deliver-then-hang" (Telegram got it, the answer never came back).
 */
export function recordingSender(
  clock: Clock,
  behave?: (chatId: number, call: number) => void | "hang" | "deliver-then-hang",
) {
  const sent: SentMessage[] = [];
  let calls = 0;
  let messageId = 1000;
  const send: DigestSender = async (chatId, digest, { language }) => {
    calls += 1;
    const what = behave?.(chatId, calls);
    if (what === "hang") return new Promise<never>(() => {});
    const message = { chatId, digest, language, at: clock.now(), messageId: ++messageId };
    sent.push(message);
    if (what === "deliver-then-hang") return new Promise<never>(() => {});
    return { messageId: message.messageId };
  };
  return {
    send,
    sent,
    get calls() {
      return calls;
    },
  };
}

/** A temp directory holding a database path (in a subdirectory that does not exist yet). */
export function tempDb(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "digest-test-"));
  return { path: join(dir, "nested", "bot.sqlite"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Local wall time of an instant in a zone, "YYYY-MM-DD HH:MM". */
export function wallTime(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat("sv-SE", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(ms));
  return parts;
}

/** Lets queued promise callbacks run (for a broadcast left hanging on purpose). */
export async function flush(times = 50): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((resolve) => setImmediate(resolve));
}
