/** Groups (answer only when addressed) and inline mode, end to end. */
import { describe, expect, it } from "vitest";

import { useHarness, settle } from "./helpers/harness.js";

const start = useHarness();

describe("in a group", () => {
  it("stays quiet unless mentioned, replied to, or asked with /ask", async () => {
    const { server, answerer } = await start();
    const alice = server.createUser({ first_name: "Alice" });
    // Admin, so the bot sees every message, not just those privacy mode lets through.
    const group = server.createGroup({ type: "supergroup", title: "长三角研究", botIsAdmin: true });
    server.sendMessage(alice, group, "今天开会讨论一下长三角");
    await settle();
    expect(server.messagesIn(group.id)).toEqual([]);

    const asked = server.sendMessage(alice, group, "@local_meetings_bot 2024年会议在哪里？").message;
    const first = await server.waitForMessage(group.id);
    expect(first.text).toMatch(/^2024年度座谈会在浙江温州召开/);
    expect(first.reply_to_message?.message_id).toBe(asked.message_id);
    expect(answerer.calls[0]?.question).toBe("2024年会议在哪里？");

    server.sendMessage(alice, group, "主题呢？", { reply_to_message: first });
    const followUp = await server.waitForMessage(group.id, (m) => m.text?.includes("上文") ?? false);
    expect(followUp.text).toContain("（上文：2024年会议在哪里？）");

    server.sendMessage(alice, group, "/ask 论坛叫什么？");
    await server.waitForMessage(group.id, (m) => m.message_id > followUp.message_id);
    expect(answerer.calls.map((c) => c.question)).toEqual(["2024年会议在哪里？", "主题呢？", "论坛叫什么？"]);
  });

  it("ignores other bots' commands and stickers not aimed at it", async () => {
    const { server } = await start();
    const bob = server.createUser();
    const group = server.createGroup({ type: "group", botIsAdmin: true });
    server.sendMessage(bob, group, "/weather@other_bot");
    server.sendMessage(bob, group, "/frobnicate");
    server.sendSticker(bob, group);
    await settle();
    expect(server.messagesIn(group.id)).toEqual([]);
    server.sendMessage(bob, group, "/frobnicate@local_meetings_bot");
    expect((await server.waitForMessage(group.id)).text).toMatch(/^我不认识这个命令。/);
  });
});

describe("inline mode", () => {
  it("offers the answer with citations as an article, cached briefly", async () => {
    const { server } = await start();
    const user = server.createUser();
    const { inlineQuery } = server.sendInlineQuery(user, "2024年会议在哪里？");
    const answer = await server.waitForInlineAnswer(inlineQuery.id);
    expect(answer.cache_time).toBeLessThanOrEqual(30);
    expect(answer.results).toHaveLength(1);
    const [result] = answer.results as Array<{
      title: string;
      description: string;
      input_message_content: { message_text: string; parse_mode: string };
    }>;
    expect(result!.title).toMatch(/^2024年度座谈会在浙江温州召开/);
    expect(result!.description).toBe("2024年度座谈会（温州） · 会议报道 第1段");
    expect(result!.input_message_content.parse_mode).toBe("HTML");
    expect(result!.input_message_content.message_text).toContain("&lt;创新链&gt; &amp; 产业链");
    expect(result!.input_message_content.message_text).toContain("[2] 2024年度座谈会（温州） · 会议报道 第2段");
  });

  it("shows the length limit instead of an answer for overlong queries", async () => {
    const { server, answerer } = await start({ options: { maxQuestionChars: 10 } });
    const user = server.createUser();
    const { inlineQuery } = server.sendInlineQuery(user, "这是一个非常非常非常长的问题");
    const answer = await server.waitForInlineAnswer(inlineQuery.id);
    expect(answer.results).toEqual([expect.objectContaining({ title: "问题太长了（14 字）。请控制在 10 字以内。" })]);
    expect(answerer.calls).toEqual([]);
  });

  it("answers an empty query with a hint and no results", async () => {
    const { server, answerer } = await start();
    const user = server.createUser({ language_code: "en" });
    const { inlineQuery } = server.sendInlineQuery(user, "  ");
    const answer = await server.waitForInlineAnswer(inlineQuery.id);
    expect(answer.results).toEqual([]);
    expect(answer.button).toEqual({ text: "Type a question about the meetings", start_parameter: "help" });
    expect(answerer.calls).toEqual([]);
  });

  it("typing inline does not use up the user's questions in chat", async () => {
    const { server } = await start({ options: { rateLimitPerMinute: 2 } });
    const user = server.createUser();
    // Telegram sends a query at each pause while the user types one question.
    for (const partial of ["2024", "2024年会议", "2024年会议在哪里？"]) {
      const { inlineQuery } = server.sendInlineQuery(user, partial);
      const answer = await server.waitForInlineAnswer(inlineQuery.id);
      expect(answer.results).toEqual([expect.objectContaining({ id: "answer" })]);
    }
    server.sendMessage(user, user, "2024年会议在哪里？");
    const reply = await server.waitForMessage(user.id);
    expect(reply.text).toContain("[1]");
  });
});
