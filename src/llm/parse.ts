/**
 * Reading the model's reply: the JSON object it was asked for, tolerant of the
 * ways compatible servers and small models wrap it (```json fences, prose around
 * it), and the `answer` field of a reply that is still streaming in.
 *
 * JSON parsed from the content is the most portable structured output: it needs
 * no tool calling and no `json_schema` support from the server.
 */
import * as z from "../validation.js";

/** What the model must reply with. */
export const ModelReplySchema = z.object({
  answered: z.boolean(),
  answer: z.string(),
  // Small models sometimes quote numbers ("1"); coerce rather than reject.
  citations: z._default(z.array(z.coerce.number().check(z.int())), []),
});

/** A parsed, schema-valid model reply (citations not yet checked against the paragraphs). */
export type ModelReply = z.infer<typeof ModelReplySchema>;

/** Result of {@link parseModelReply}. */
export type ParseResult =
  | { ok: true; reply: ModelReply }
  | { ok: false; reason: "malformed-json" | "invalid-shape"; detail: string };

/**
 * Parses the model's content into a {@link ModelReply}.
 * Accepts a bare object, a fenced block, or an object with prose around it.
 */
export function parseModelReply(content: string): ParseResult {
  const json = extractJsonObject(content);
  if (json === undefined) return { ok: false, reason: "malformed-json", detail: "no JSON object in the reply" };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, reason: "malformed-json", detail: error instanceof Error ? error.message : String(error) };
  }
  const parsed = ModelReplySchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      reason: "invalid-shape",
      detail: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    };
  }
  return { ok: true, reply: parsed.data };
}

/** The text from the first `{` to its matching `}` (outside strings), after removing code fences. */
export function extractJsonObject(content: string): string | undefined {
  const unfenced = content.replace(/```(?:json|JSON)?\s*([\s\S]*?)```/, "$1");
  const start = unfenced.indexOf("{");
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < unfenced.length; i++) {
    const ch = unfenced[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return unfenced.slice(start, i + 1);
  }
  return undefined;
}

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * The value of the `answer` string field decoded so far from a JSON reply that is
 * still arriving, or undefined before the field starts. An escape split across
 * chunks is left out until it is complete, so the result only ever grows.
 *
 * @example extractPartialAnswer('{"answered":true,"answer":"会议在芜') // "会议在芜"
 */
export function extractPartialAnswer(buffer: string): string | undefined {
  const match = /"answer"\s*:\s*"/.exec(buffer);
  if (!match) return undefined;
  let out = "";
  for (let i = match.index + match[0].length; i < buffer.length; i++) {
    const ch = buffer[i];
    if (ch === '"') return out;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = buffer[i + 1];
    if (next === undefined) return withoutLoneSurrogate(out);
    if (next === "u") {
      const hex = buffer.slice(i + 2, i + 6);
      if (hex.length < 4) return withoutLoneSurrogate(out);
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 5;
    } else {
      out += ESCAPES[next] ?? next;
      i += 1;
    }
  }
  return withoutLoneSurrogate(out);
}

/** Drops a trailing high surrogate whose pair has not arrived yet (an emoji sent as two \u escapes). */
function withoutLoneSurrogate(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, -1) : text;
}
