/**
 * The digest commands as the bot calls them: subscribe, unsubscribe, list, time zone,
 * digest now, themes with counts, admin stats. Inputs are what users typed; every bad
 * one throws a {@link DigestInputError} whose text (zh and en) says what is accepted.
 */
import type { Chunk } from "../index/chunk.js";
import type { Language, Store, StoreStats, Subscriber } from "../store/store.js";
import { matchParagraphs } from "./compose.js";
import { DigestInputError } from "./errors.js";
import type { Scheduler, SendNowResult } from "./scheduler.js";
import { DEFAULT_DELIVERY_TIME, parseTimeOfDay, parseTimeZone } from "./schedule.js";
import {
  DEFAULT_THEMES,
  findTheme,
  resolveTheme,
  themeCounts,
  themeForSubscription,
  themeNames,
  type Theme,
  type ThemeCount,
} from "./themes.js";

/** Who is talking to the bot. */
export interface ChatRef {
  chatId: number;
  userId?: number | null;
  /** Used when the chat is new. */
  language?: Language;
}

/** A subscription as shown to its owner. */
export interface SubscriptionView {
  themeId: string;
  name: { zh: string; en: string };
  /** True for a free-text topic. */
  custom: boolean;
  time: string;
  timeZone: string;
}

/** Result of {@link DigestService.subscribe}. */
export interface SubscribeResult extends SubscriptionView {
  /** False when the subscription existed and only its time changed. */
  created: boolean;
  /** Paragraphs of the reports matching the theme. */
  paragraphs: number;
}

/** Admin counts. */
export interface DigestStats extends StoreStats {
  /** Start of the window `deliveries` counts (the last 24 hours). */
  since: string;
}

/** The digest feature's commands. */
export interface DigestService {
  /**
   * Subscribes a chat to a theme (catalogue name, id, number, or a free-text topic) at
   * `time` local "HH:MM" (default 08:00). Subscribing again changes the time. A chat
   * that had blocked the bot is active again.
   */
  subscribe(chat: ChatRef, themeText: string, time?: string): Promise<SubscribeResult>;
  /** Removes one subscription, or all with "all"/"全部"; returns the names removed. */
  unsubscribe(chat: ChatRef, themeText: string): Promise<{ removed: SubscriptionView[] }>;
  /** The chat's subscriptions. */
  list(chat: ChatRef): Promise<SubscriptionView[]>;
  /** The chat's time zone, without creating a subscriber (the default zone for a chat never seen). */
  timeZone(chat: ChatRef): Promise<string>;
  /** Sets the chat's IANA time zone; returns its canonical spelling. */
  setTimezone(chat: ChatRef, zone: string): Promise<{ timeZone: string }>;
  /** Sets the chat's interface language. */
  setLanguage(chat: ChatRef, language: Language): Promise<void>;
  /**
   * Sends a digest now (outside the daily one, which still comes). Without a theme,
   * the chat's only subscription is used.
   */
  digestNow(chat: ChatRef, themeText?: string): Promise<SendNowResult>;
  /** The catalogue with per-meeting paragraph counts. */
  themes(): ThemeCount[];
  /** Subscribers (active/inactive), and deliveries of the last 24 hours by status. */
  stats(): Promise<DigestStats>;
  /** The latest deliveries marked `unknown` (possibly delivered), for admins to check. */
  unknownDeliveries(limit?: number): Promise<UnknownDelivery[]>;
  /**
   * Sends an `unknown` delivery again, once an admin decided it never arrived (the only
   * way such a row is ever resent: automatic resends would risk duplicates).
   */
  resendUnknown(deliveryId: number): Promise<SendNowResult["outcome"] | { status: "not-unknown" }>;
}

/** A delivery whose outcome is unknown, as /stats lists it. */
export interface UnknownDelivery {
  id: number;
  chatId: number | undefined;
  themeId: string;
  localDate: string;
  /** When it was last touched (the moment of the crash, roughly). */
  updatedAt: string;
}

/** Dependencies of {@link createDigestService}. */
export interface DigestServiceOptions {
  store: Store;
  scheduler: Scheduler;
  chunks: readonly Chunk[];
  themes?: readonly Theme[];
  now?: () => Date;
  /** The zone of chats never seen (DEFAULT_TIMEZONE; default Asia/Shanghai, like the store). */
  defaultTimeZone?: string;
}

/** Creates the service. */
export function createDigestService(options: DigestServiceOptions): DigestService {
  const { store, scheduler, chunks } = options;
  const themes = options.themes ?? DEFAULT_THEMES;
  const now = options.now ?? (() => new Date());
  const defaultTimeZone = options.defaultTimeZone ?? "Asia/Shanghai";
  let counts: ThemeCount[] | undefined;

  const subscriberOf = (chat: ChatRef): Promise<Subscriber> =>
    store.ensureSubscriber({ chatId: chat.chatId, userId: chat.userId ?? null, language: chat.language ?? "zh" });

  const views = async (subscriber: Subscriber): Promise<SubscriptionView[]> =>
    (await store.listSubscriptions(subscriber.id)).map((s) => {
      const theme = themeForSubscription(s.themeId, s.themeQuery, themes);
      return {
        themeId: s.themeId,
        name: theme ? { zh: theme.zh, en: theme.en } : { zh: s.themeId, en: s.themeId },
        custom: s.themeQuery !== null,
        time: s.time,
        timeZone: subscriber.timeZone,
      };
    });

  const noMatch = (theme: Theme) =>
    new DigestInputError("no-match", {
      zh: `会议报道中没有提到“${theme.zh}”的段落。可选主题：${themeNames(themes, "zh")}。`,
      en: `No paragraph of the meeting reports mentions “${theme.en}”. Themes: ${themeNames(themes, "en")}.`,
    });

  const notSubscribed = async (text: string, subscriber: Subscriber) => {
    const mine = await views(subscriber);
    const zhList = mine.length ? `你订阅的主题：${mine.map((v) => v.name.zh).join("、")}` : "你还没有订阅任何主题";
    const enList = mine.length
      ? `your themes: ${mine.map((v) => v.name.en).join(", ")}`
      : "you have no subscriptions yet";
    return new DigestInputError("not-subscribed", {
      zh: `没有订阅“${text.trim()}”；${zhList}。`,
      en: `Not subscribed to “${text.trim()}”; ${enList}.`,
    });
  };

  /** The subscribed theme a text names: by catalogue lookup, or the topic text itself. */
  const subscribedTheme = async (subscriber: Subscriber, text: string) => {
    const theme = findTheme(text, themes) ?? resolveTheme(text, themes);
    return (await store.listSubscriptions(subscriber.id)).find((s) => s.themeId === theme.id);
  };

  return {
    async subscribe(chat, themeText, time = DEFAULT_DELIVERY_TIME) {
      const at = parseTimeOfDay(time);
      const theme = resolveTheme(themeText, themes);
      const paragraphs = matchParagraphs(theme, chunks).length;
      if (paragraphs === 0) throw noMatch(theme);
      const subscriber = await subscriberOf(chat);
      if (!subscriber.active) await store.activateSubscriber(subscriber.id);
      const { created } = await store.upsertSubscription({
        subscriberId: subscriber.id,
        themeId: theme.id,
        themeQuery: theme.custom ? theme.zh : null,
        time: at.text,
      });
      return {
        themeId: theme.id,
        name: { zh: theme.zh, en: theme.en },
        custom: theme.custom === true,
        time: at.text,
        timeZone: subscriber.timeZone,
        created,
        paragraphs,
      };
    },

    async unsubscribe(chat, themeText) {
      const subscriber = await subscriberOf(chat);
      const mine = await views(subscriber);
      if (/^\s*(all|全部|所有)\s*$/i.test(themeText)) {
        await store.removeAllSubscriptions(subscriber.id);
        return { removed: mine };
      }
      const subscription = await subscribedTheme(subscriber, themeText);
      if (!subscription) throw await notSubscribed(themeText, subscriber);
      await store.removeSubscription(subscriber.id, subscription.themeId);
      return { removed: mine.filter((v) => v.themeId === subscription.themeId) };
    },

    async list(chat) {
      return views(await subscriberOf(chat));
    },

    async timeZone(chat) {
      return (await store.getSubscriber(chat.chatId))?.timeZone ?? defaultTimeZone;
    },

    async setTimezone(chat, zone) {
      const timeZone = parseTimeZone(zone);
      await store.setTimeZone((await subscriberOf(chat)).id, timeZone);
      return { timeZone };
    },

    async setLanguage(chat, language) {
      const subscriber = await subscriberOf(chat);
      if (subscriber.language !== language) await store.setLanguage(subscriber.id, language);
    },

    async digestNow(chat, themeText) {
      let subscriber = await subscriberOf(chat);
      // Asking for a digest proves the chat can hear the bot again (it had blocked it once).
      if (!subscriber.active) {
        await store.activateSubscriber(subscriber.id);
        subscriber = await subscriberOf(chat);
      }
      let theme: Theme | undefined;
      if (themeText === undefined || themeText.trim() === "") {
        const mine = await store.listSubscriptions(subscriber.id);
        if (mine.length !== 1) {
          throw new DigestInputError("unknown-theme", {
            zh: `请指明主题，例如 /digest 科技创新。可选：${themeNames(themes, "zh")}，或任意不超过20个字的关键词。`,
            en: `Name a theme, e.g. /digest tech. Themes: ${themeNames(themes, "en")}, or any keyword of up to 20 characters.`,
          });
        }
        theme = themeForSubscription(mine[0]!.themeId, mine[0]!.themeQuery, themes);
      }
      theme ??= resolveTheme(themeText ?? "", themes);
      if (matchParagraphs(theme, chunks).length === 0) throw noMatch(theme);
      return scheduler.sendNow(subscriber, theme);
    },

    themes() {
      return (counts ??= themeCounts(chunks, themes));
    },

    async stats() {
      const since = new Date(now().getTime() - 24 * 3600_000);
      return { ...(await store.stats(since)), since: since.toISOString() };
    },

    async unknownDeliveries(limit = 10) {
      const rows = await store.listUnknown(limit);
      return Promise.all(
        rows.map(async (d) => ({
          id: d.id,
          chatId: (await store.getSubscriberById(d.subscriberId))?.chatId,
          themeId: d.themeId,
          localDate: d.localDate,
          updatedAt: d.updatedAt,
        })),
      );
    },

    async resendUnknown(deliveryId) {
      return scheduler.resend(deliveryId);
    },
  };
}
