/**
 * Turning a follow-up ("那2022年呢？") into a standalone question
 * ("2022年的座谈会在哪里举行？") by the model; when it fails or is late, the
 * answerer uses the heuristic in ../answer/followup.ts.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Turn } from "../answer/types.js";
import { buildRewriteMessages } from "./prompt.js";

/**
 * Asks the model for the standalone question.
 * @throws when the call fails or the reply is unusable (empty, multi-paragraph, far longer than the context).
 */
export async function rewriteWithModel(
  model: BaseChatModel,
  history: readonly Turn[],
  question: string,
  signal: AbortSignal,
): Promise<string> {
  const reply = await model.invoke(buildRewriteMessages(history, question), { signal });
  const line = reply.text
    .trim()
    .split("\n")[0]
    ?.replace(/^(?:standalone question|question|问题|独立问题)\s*[:：]\s*/i, "")
    .replace(/^["“「'](.*)["”」']$/, "$1")
    .trim();
  const limit = Math.max(200, question.length * 4);
  if (!line || line.length > limit) throw new Error("the rewrite reply was empty or too long");
  return line;
}
