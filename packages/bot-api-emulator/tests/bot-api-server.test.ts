/**
 * The emulator over real HTTP on 127.0.0.1: method shapes, validation errors,
 * long polling, callback and inline flows, chat actions and commands.
 */

import { describe, expect, it } from "vitest";

import { TOKEN, callApi, useServers } from "./helpers.js";

const startServer = useServers();

describe("routing and identity", () => {
  it("answers getMe with the configured bot", async () => {
    const { server, url } = await startServer();
    const reply = await callApi(url, "getMe");
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      ok: true,
      result: expect.objectContaining({
        id: 1000001,
        is_bot: true,
        first_name: "LocalBot",
        username: "local_meetings_bot",
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: true,
      }),
    });
    expect(server.callsTo("getMe")).toHaveLength(1);
    expect(server.calls[0]).toMatchObject({ method: "getMe", status: 200, response: reply.body });
  });

  it("treats method names case-insensitively and accepts GET with a query string", async () => {
    const { url } = await startServer({ botInfo: { username: "other_bot", first_name: "Other" } });
    const res = await fetch(`${url}/bot${TOKEN}/GETME?x=1`);
    expect(await res.json()).toMatchObject({ ok: true, result: { username: "other_bot", first_name: "Other" } });
  });

  it("answers unknown methods and paths with 404 like telegram-bot-api", async () => {
    const { server, url } = await startServer();
    const reply = await callApi(url, "sendPaidMedia", { chat_id: 1 });
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ ok: false, error_code: 404, description: "Not Found: method not found" });
    expect(server.callsTo("sendPaidMedia")[0]?.status).toBe(404);
    const other = await fetch(`${url}/not-a-bot-path`);
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
  });

  it("decodes urlencoded and multipart bodies like JSON", async () => {
    const { server, url } = await startServer();
    const user = server.createUser();
    const form = await fetch(`${url}/bot${TOKEN}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ chat_id: String(user.id), text: "<b>form</b>", parse_mode: "HTML" }),
    });
    expect(await form.json()).toMatchObject({ ok: true, result: { text: "form", entities: [{ type: "bold" }] } });
    const data = new FormData();
    data.set("chat_id", String(user.id));
    data.set("text", "multi");
    data.set("reply_markup", JSON.stringify({ inline_keyboard: [[{ text: "A", callback_data: "a" }]] }));
    const multipart = await fetch(`${url}/bot${TOKEN}/sendMessage`, { method: "POST", body: data });
    expect(await multipart.json()).toMatchObject({
      ok: true,
      result: { text: "multi", reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] } },
    });
  });
});

describe("sendMessage", () => {
  it("returns Telegram's Message shape with parsed HTML", async () => {
    const { server, url } = await startServer();
    const user = server.createUser({ first_name: "Ann", username: "ann" });
    const reply = await callApi(url, "sendMessage", {
      chat_id: user.id,
      text: "长三角 <b>会议</b> 😀 <i>纪要</i>",
      parse_mode: "HTML",
      reply_markup: {
        inline_keyboard: [
          [
            { text: "📄 来源 1", callback_data: "src:1" },
            { text: "Open", url: "https://example.com" },
          ],
        ],
      },
    });
    expect(reply.status).toBe(200);
    const message = reply.body.result;
    expect(Object.keys(message)).toEqual(["message_id", "from", "chat", "date", "text", "entities", "reply_markup"]);
    expect(message).toMatchObject({
      message_id: 1,
      from: { id: 1000001, is_bot: true, first_name: "LocalBot", username: "local_meetings_bot" },
      chat: { id: user.id, first_name: "Ann", username: "ann", type: "private" },
      text: "长三角 会议 😀 纪要",
      entities: [
        { offset: 4, length: 2, type: "bold" },
        { offset: 10, length: 2, type: "italic" },
      ],
    });
    expect(typeof message.date).toBe("number");
    const second = await callApi(url, "sendMessage", { chat_id: user.id, text: "again", reply_to_message_id: 1 });
    expect(second.body.result.message_id).toBe(2);
    expect(second.body.result.reply_to_message).toMatchObject({ message_id: 1, text: "长三角 会议 😀 纪要" });
    expect(server.messagesIn(user.id).map((m) => m.text)).toEqual(["长三角 会议 😀 纪要", "again"]);
  });

  it("rejects bad HTML, long texts, unknown chats, and missing replies", async () => {
    const { server, url } = await startServer();
    const user = server.createUser();
    const badHtml = await callApi(url, "sendMessage", { chat_id: user.id, text: "<b>open", parse_mode: "HTML" });
    expect(badHtml.status).toBe(400);
    expect(badHtml.body).toEqual({
      ok: false,
      error_code: 400,
      description: "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
    });
    const long = await callApi(url, "sendMessage", { chat_id: user.id, text: "长".repeat(4097) });
    expect(long.body).toEqual({ ok: false, error_code: 400, description: "Bad Request: message is too long" });
    const empty = await callApi(url, "sendMessage", { chat_id: user.id, text: "" });
    expect(empty.body.description).toBe("Bad Request: message text is empty");
    const unknown = await callApi(url, "sendMessage", { chat_id: 42, text: "hi" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.description).toBe("Bad Request: chat not found");
    const noChat = await callApi(url, "sendMessage", { text: "hi" });
    expect(noChat.body.description).toBe("Bad Request: chat_id is empty");
    const reply = await callApi(url, "sendMessage", {
      chat_id: user.id,
      text: "hi",
      reply_parameters: { message_id: 99 },
    });
    expect(reply.body.description).toBe("Bad Request: message to be replied not found");
    const allowed = await callApi(url, "sendMessage", {
      chat_id: user.id,
      text: "hi",
      reply_parameters: { message_id: 99, allow_sending_without_reply: true },
    });
    expect(allowed.body.ok).toBe(true);
    const button = await callApi(url, "sendMessage", {
      chat_id: user.id,
      text: "hi",
      reply_markup: { inline_keyboard: [[{ text: "no action" }]] },
    });
    expect(button.body.description).toBe(
      "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
    const data = await callApi(url, "sendMessage", {
      chat_id: user.id,
      text: "hi",
      reply_markup: { inline_keyboard: [[{ text: "x", callback_data: "x".repeat(65) }]] },
    });
    expect(data.body.description).toBe("Bad Request: BUTTON_DATA_INVALID");
  });

  it("answers 403 once the user blocked the bot, and queues my_chat_member", async () => {
    const { server, url } = await startServer();
    const user = server.createUser();
    server.blockBot(user);
    const reply = await callApi(url, "sendMessage", { chat_id: user.id, text: "hi" });
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" });
    expect(server.pendingUpdates()[0]?.my_chat_member).toMatchObject({
      old_chat_member: { status: "member" },
      new_chat_member: { status: "kicked" },
    });
    server.unblockBot(user);
    expect((await callApi(url, "sendMessage", { chat_id: user.id, text: "hi" })).status).toBe(200);
    const stranger = server.createUser({ startedBot: false });
    expect((await callApi(url, "sendMessage", { chat_id: stranger.id, text: "hi" })).body.description).toBe(
      "Forbidden: bot can't initiate conversation with a user",
    );
  });
});

describe("editing and deleting", () => {
  it("edits text, reports 'message is not modified', and tracks current state", async () => {
    const { server, url } = await startServer();
    const user = server.createUser();
    const sent = (await callApi(url, "sendMessage", { chat_id: user.id, text: "draft" })).body.result;
    const markup = { inline_keyboard: [[{ text: "👍", callback_data: "up" }]] };
    const edited = await callApi(url, "editMessageText", {
      chat_id: user.id,
      message_id: sent.message_id,
      text: "<b>final</b>",
      parse_mode: "HTML",
      reply_markup: markup,
    });
    expect(edited.body.result).toMatchObject({ text: "final", entities: [{ type: "bold" }], reply_markup: markup });
    expect(typeof edited.body.result.edit_date).toBe("number");
    const same = await callApi(url, "editMessageText", {
      chat_id: user.id,
      message_id: sent.message_id,
      text: "<b>final</b>",
      parse_mode: "HTML",
      reply_markup: markup,
    });
    expect(same.status).toBe(400);
    expect(same.body.description).toBe(
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
    const missing = await callApi(url, "editMessageText", { chat_id: user.id, message_id: 77, text: "x" });
    expect(missing.body.description).toBe("Bad Request: message to edit not found");
    // Omitting reply_markup removes the keyboard, as on Telegram.
    await callApi(url, "editMessageText", { chat_id: user.id, message_id: sent.message_id, text: "final!" });
    expect(server.messagesIn(user.id)).toEqual([expect.not.objectContaining({ reply_markup: expect.anything() })]);
    const userMessage = server.sendMessage(user, user, "mine").message;
    const notMine = await callApi(url, "editMessageText", {
      chat_id: user.id,
      message_id: userMessage.message_id,
      text: "x",
    });
    expect(notMine.body.description).toBe("Bad Request: message can't be edited");
    expect((await callApi(url, "deleteMessage", { chat_id: user.id, message_id: sent.message_id })).body).toEqual({
      ok: true,
      result: true,
    });
    expect(server.messagesIn(user.id)).toEqual([]);
    expect(
      (await callApi(url, "deleteMessage", { chat_id: user.id, message_id: sent.message_id })).body.description,
    ).toBe("Bad Request: message to delete not found");
  });
});

describe("long polling", () => {
  it("holds getUpdates until a message arrives, then confirms with offset", async () => {
    const { server, url } = await startServer();
    const user = server.createUser({ first_name: "Bo", language_code: "zh-hans" });
    const started = Date.now();
    const pending = callApi(url, "getUpdates", { timeout: 5 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    server.sendMessage(user, user, "/ask@local_meetings_bot 长三角一体化");
    const reply = await pending;
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(reply.body.ok).toBe(true);
    const [update] = reply.body.result;
    expect(update.message).toMatchObject({
      message_id: 1,
      from: { id: user.id, is_bot: false, first_name: "Bo", language_code: "zh-hans" },
      chat: { id: user.id, type: "private" },
      text: "/ask@local_meetings_bot 长三角一体化",
      entities: [{ offset: 0, length: 23, type: "bot_command" }],
    });
    // Not confirmed yet: the same update is returned again.
    expect((await callApi(url, "getUpdates")).body.result).toHaveLength(1);
    const confirmed = await callApi(url, "getUpdates", { offset: update.update_id + 1 });
    expect(confirmed.body.result).toEqual([]);
    expect(server.pendingUpdates()).toEqual([]);
  });

  it("returns an empty list after the timeout, and 409 to the older of two polls", async () => {
    const { server, url } = await startServer();
    const started = Date.now();
    expect((await callApi(url, "getUpdates", { timeout: 1 })).body).toEqual({ ok: true, result: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const older = callApi(url, "getUpdates", { timeout: 5 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const newer = callApi(url, "getUpdates", { timeout: 1 });
    const olderReply = await older;
    expect(olderReply.status).toBe(409);
    expect(olderReply.body.description).toBe(
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    );
    const user = server.createUser();
    server.sendMessage(user, user, "wake up");
    expect((await newer).body.result).toHaveLength(1);
  });

  it("applies privacy mode in groups and allowed_updates", async () => {
    const { server, url } = await startServer();
    const user = server.createUser();
    const group = server.createGroup({ type: "supergroup", title: "长三角" });
    expect(server.sendMessage(user, group, "just chatting").update).toBeUndefined();
    expect(server.sendMessage(user, group, "@local_meetings_bot 会议在哪?").update).toBeDefined();
    expect(server.sendMessage(user, group, "/ask@other_bot x").update).toBeUndefined();
    expect(server.sendMessage(user, group, "/ask x").update).toBeDefined();
    await callApi(url, "getUpdates", { offset: -1, allowed_updates: ["callback_query"] });
    expect(server.sendMessage(user, user, "filtered").update).toBeUndefined();
  });
});

describe("callback and inline queries", () => {
  it("delivers a button press and records the answer; stale ids are rejected", async () => {
    const { server, url } = await startServer();
    const user = server.createUser();
    const sent = (
      await callApi(url, "sendMessage", {
        chat_id: user.id,
        text: "Helpful?",
        reply_markup: { inline_keyboard: [[{ text: "👍", callback_data: "vote:up" }]] },
      })
    ).body.result;
    const { callbackQuery } = server.pressButton(user, sent, "vote:up");
    const updates = (await callApi(url, "getUpdates")).body.result;
    expect(updates[0].callback_query).toEqual({
      id: callbackQuery.id,
      from: expect.objectContaining({ id: user.id }),
      message: expect.objectContaining({ message_id: sent.message_id, text: "Helpful?" }),
      chat_instance: expect.stringMatching(/^-?\d+$/),
      data: "vote:up",
    });
    expect(() => server.pressButton(user, sent, "vote:down")).toThrow(/no inline button/);
    const ok = await callApi(url, "answerCallbackQuery", { callback_query_id: callbackQuery.id, text: "Thanks!" });
    expect(ok.body).toEqual({ ok: true, result: true });
    expect(server.getCallbackAnswer(callbackQuery.id)).toMatchObject({ text: "Thanks!", show_alert: false });
    const again = await callApi(url, "answerCallbackQuery", { callback_query_id: callbackQuery.id });
    expect(again.body.description).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
  });

  it("delivers inline queries and validates the results", async () => {
    const { server, url } = await startServer();
    const user = server.createUser();
    const { inlineQuery } = server.sendInlineQuery(user, "长三角");
    expect((await callApi(url, "getUpdates")).body.result[0].inline_query).toEqual({
      id: inlineQuery.id,
      from: expect.objectContaining({ id: user.id }),
      chat_type: "sender",
      query: "长三角",
      offset: "",
    });
    const invalid = await callApi(url, "answerInlineQuery", {
      inline_query_id: inlineQuery.id,
      results: [{ type: "article", id: "1", title: "No content" }],
    });
    expect(invalid.body.description).toBe(
      "Bad Request: can't parse inline query result: Can't find field \"message_text\"",
    );
    const results = [
      {
        type: "article",
        id: "m1",
        title: "第一次会议",
        input_message_content: { message_text: "<b>会议</b>", parse_mode: "HTML" },
      },
    ];
    expect((await callApi(url, "answerInlineQuery", { inline_query_id: inlineQuery.id, results })).body).toEqual({
      ok: true,
      result: true,
    });
    expect(server.getInlineAnswer(inlineQuery.id)).toMatchObject({ results, cache_time: 300 });
    expect((await callApi(url, "answerInlineQuery", { inline_query_id: "1", results: [] })).body.description).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
  });
});

describe("chat actions, commands and chats", () => {
  it("validates sendChatAction", async () => {
    const { server, url } = await startServer();
    const user = server.createUser();
    expect((await callApi(url, "sendChatAction", { chat_id: user.id, action: "typing" })).body).toEqual({
      ok: true,
      result: true,
    });
    const wrong = await callApi(url, "sendChatAction", { chat_id: user.id, action: "dancing" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.description).toBe("Bad Request: wrong parameter action in request");
    expect((await callApi(url, "sendChatAction", { chat_id: 5, action: "typing" })).body.description).toBe(
      "Bad Request: chat not found",
    );
  });

  it("stores commands per scope and language", async () => {
    const { server, url } = await startServer();
    const commands = [{ command: "ask", description: "提问" }];
    expect((await callApi(url, "setMyCommands", { commands, language_code: "zh" })).body.result).toBe(true);
    expect((await callApi(url, "getMyCommands", { language_code: "zh" })).body.result).toEqual(commands);
    expect((await callApi(url, "getMyCommands")).body.result).toEqual([]);
    const group = server.createGroup({ type: "group" });
    const scope = { type: "chat", chat_id: group.id };
    await callApi(url, "setMyCommands", { commands: [{ command: "digest", description: "摘要" }], scope });
    expect((await callApi(url, "getMyCommands", { scope })).body.result).toEqual([
      { command: "digest", description: "摘要" },
    ]);
    expect(
      (await callApi(url, "setMyCommands", { commands: [{ command: "Bad-Name", description: "x" }] })).body.description,
    ).toBe("Bad Request: BOT_COMMAND_INVALID");
    await callApi(url, "deleteMyCommands", { language_code: "zh" });
    expect((await callApi(url, "getMyCommands", { language_code: "zh" })).body.result).toEqual([]);
    expect((await callApi(url, "getChat", { chat_id: group.id })).body.result).toMatchObject({
      id: group.id,
      type: "group",
      max_reaction_count: 11,
    });
  });
});

describe("getChatMember", () => {
  it("answers owner, administrator and member with the Bot API's ChatMember shapes, and 400 for an unknown user", async () => {
    const { server, url } = await startServer();
    const [owner, admin, member] = [server.createUser(), server.createUser(), server.createUser()];
    const group = server.createGroup({ type: "supergroup", owner: owner.id, administrators: [admin.id] });
    const get = async (userId: number) =>
      (await callApi(url, "getChatMember", { chat_id: group.id, user_id: userId })).body;
    expect((await get(owner.id)).result).toEqual({ status: "creator", user: owner, is_anonymous: false });
    expect((await get(admin.id)).result).toMatchObject({
      status: "administrator",
      user: admin,
      can_manage_chat: true,
      can_be_edited: false,
    });
    expect((await get(member.id)).result).toEqual({ status: "member", user: member });
    expect(await get(999_999)).toMatchObject({
      ok: false,
      error_code: 400,
      description: "Bad Request: user not found",
    });
  });
});

describe("more message kinds and markup", () => {
  it("produces sticker, photo and voice updates with realistic shapes", async () => {
    const { server, url } = await startServer();
    const user = server.createUser();
    server.sendSticker(user, user, { emoji: "😀" });
    server.sendPhoto(user, user, { caption: "看 #会议" });
    server.sendVoice(user, user, { duration: 4 });
    const updates = (await callApi(url, "getUpdates")).body.result;
    expect(updates.map((u: any) => u.update_id)).toEqual([100000001, 100000002, 100000003]);
    expect(updates[0].message.sticker).toMatchObject({
      type: "regular",
      emoji: "😀",
      width: 512,
      height: 512,
      is_animated: false,
      is_video: false,
      file_id: expect.any(String),
      file_unique_id: expect.any(String),
    });
    expect(updates[1].message.photo).toHaveLength(4);
    expect(updates[1].message).toMatchObject({
      caption: "看 #会议",
      caption_entities: [{ type: "hashtag", offset: 2, length: 3 }],
    });
    expect(updates[2].message.voice).toMatchObject({ duration: 4, mime_type: "audio/ogg" });
  });

  it("echoes only inline keyboards, link preview options, and edits reply markup", async () => {
    const { server, url } = await startServer();
    const user = server.createUser();
    const keyboard = await callApi(url, "sendMessage", {
      chat_id: user.id,
      text: "pick",
      reply_markup: { keyboard: [["长三角", { text: "上海" }]], resize_keyboard: true },
      link_preview_options: { is_disabled: true },
    });
    expect(keyboard.body.result.reply_markup).toBeUndefined();
    expect(keyboard.body.result.link_preview_options).toEqual({ is_disabled: true });
    const removed = await callApi(url, "sendMessage", {
      chat_id: user.id,
      text: "ok",
      reply_markup: { remove_keyboard: true },
    });
    expect(removed.body.ok).toBe(true);
    const markup = { inline_keyboard: [[{ text: "👍", callback_data: "up" }]] };
    const edited = await callApi(url, "editMessageReplyMarkup", {
      chat_id: user.id,
      message_id: 2,
      reply_markup: markup,
    });
    expect(edited.body.result).toMatchObject({ message_id: 2, text: "ok", reply_markup: markup });
    expect(
      (await callApi(url, "editMessageReplyMarkup", { chat_id: user.id, message_id: 2, reply_markup: markup })).status,
    ).toBe(400);
    expect((await callApi(url, "getChatMenuButton")).body.result).toEqual({ type: "commands" });
  });

  it("completes the inline flow: answer, choose, edit by inline_message_id", async () => {
    const { server, url } = await startServer();
    const user = server.createUser();
    const { inlineQuery } = server.sendInlineQuery(user, "会议");
    await callApi(url, "answerInlineQuery", {
      inline_query_id: inlineQuery.id,
      results: [
        {
          type: "article",
          id: "a",
          title: "A",
          input_message_content: { message_text: "A" },
          reply_markup: { inline_keyboard: [[{ text: "more", callback_data: "more" }]] },
        },
      ],
    });
    const chosen = server.chooseInlineResult(user, inlineQuery.id, "a");
    expect(chosen.update?.chosen_inline_result).toMatchObject({
      result_id: "a",
      query: "会议",
      inline_message_id: chosen.inlineMessageId,
    });
    const edit = await callApi(url, "editMessageText", { inline_message_id: chosen.inlineMessageId, text: "B" });
    expect(edit.body).toEqual({ ok: true, result: true });
    expect((await callApi(url, "editMessageText", { inline_message_id: "nope", text: "B" })).body.description).toBe(
      "Bad Request: MESSAGE_ID_INVALID",
    );
  });
});
