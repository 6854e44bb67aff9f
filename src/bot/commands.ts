/** The command menu, registered with setMyCommands per interface language. */
import type { Api } from "grammy";

import type { Logger } from "../logger.js";
import type { CommandSpec } from "./deps.js";
import { describeError } from "./errors.js";

/** The built-in commands, in menu order. */
export const BUILTIN_COMMANDS: readonly CommandSpec[] = [
  { command: "ask", zh: "提问（群聊中使用）", en: "Ask a question (in groups)" },
  { command: "meetings", zh: "会议列表", en: "List of meetings" },
  { command: "source", zh: "查看上一个回答的第 N 条出处", en: "Show source N of the last answer" },
  { command: "help", zh: "使用说明", en: "How to use this bot" },
  { command: "start", zh: "开始", en: "Start" },
];

/**
 * Registers the menu for zh, en and the default (Chinese, the main audience).
 * A failure is logged, not thrown: the bot works without a menu.
 */
export async function registerCommands(api: Api, commands: readonly CommandSpec[], logger: Logger): Promise<void> {
  const zh = commands.map((c) => ({ command: c.command, description: c.zh }));
  const en = commands.map((c) => ({ command: c.command, description: c.en }));
  try {
    await api.setMyCommands(zh);
    await api.setMyCommands(zh, { language_code: "zh" });
    await api.setMyCommands(en, { language_code: "en" });
  } catch (error) {
    logger.warn("could not register the command menu", { error: describeError(error) });
  }
}
