/**
 * Fault injection for the local Telegram Bot API emulator.
 *
 * Why it exists: a production bot must survive Telegram's failure modes -
 * flood control (429 with retry_after), users blocking the bot (403), bad
 * requests, 5xx from Telegram's front-end, slow responses and dropped
 * connections. Tests arm a fault for the next N matching calls and assert the
 * bot's reaction; the emulator still records the faulted call.
 *
 * 5xx shapes, chosen to match what api.telegram.org actually returns:
 *  - 500: JSON `{ ok: false, error_code: 500, description: "Internal Server Error" }`
 *    (telegram-bot-api itself answers 500 this way, e.g. "Internal Server Error: restart").
 *  - 502/503/504: an nginx HTML error page with `Content-Type: text/html`, because
 *    those come from Telegram's nginx front-end, not from the Bot API server.
 *    Clients that blindly `res.json()` (grammY does) fail with a network-style error.
 */

/** What an injected fault does to a matching call. */
export type FaultKind =
  | { type: "429"; retryAfter: number }
  | { type: "403"; description?: string }
  | { type: "400"; description?: string }
  | { type: "5xx"; status?: 500 | 502 | 503 | 504; description?: string }
  | { type: "delay"; ms: number }
  | { type: "drop" };

/** Which calls a fault applies to, and how many times. */
export interface FaultSpec {
  /** Method name(s), case-insensitive like Telegram; all methods when omitted. */
  method?: string | string[];
  /** Only calls whose `chat_id` parameter equals this. */
  chatId?: number | string;
  /** Number of matching calls to fault (default 1; Infinity for all). */
  times?: number;
  kind: FaultKind;
}

/** Handle to an armed fault. */
export interface FaultHandle {
  /** Matching calls still to be faulted. */
  readonly remaining: number;
  /** Disarms the fault. */
  cancel(): void;
}

interface ArmedFault {
  methods: Set<string> | undefined;
  chatId: string | undefined;
  remaining: number;
  kind: FaultKind;
}

/** A concrete HTTP answer for a fault that replaces the normal response. */
export interface FaultResponse {
  status: number;
  contentType: string;
  body: string;
  /** Parsed JSON body, or the raw text for non-JSON bodies. */
  recorded: unknown;
  headers?: Record<string, string>;
}

const HTML_REASONS: Record<number, string> = {
  502: "502 Bad Gateway",
  503: "503 Service Temporarily Unavailable",
  504: "504 Gateway Time-out",
};

/** Builds the response Telegram would send for an error-type fault. */
export function faultResponse(kind: Exclude<FaultKind, { type: "delay" } | { type: "drop" }>): FaultResponse {
  const json = (status: number, description: string, parameters?: Record<string, unknown>): FaultResponse => {
    const body =
      parameters === undefined
        ? { ok: false, error_code: status, description }
        : { ok: false, error_code: status, description, parameters };
    return { status, contentType: "application/json", body: JSON.stringify(body), recorded: body };
  };
  switch (kind.type) {
    case "429": {
      const retryAfter = Math.max(1, Math.ceil(kind.retryAfter));
      const response = json(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
      return { ...response, headers: { "Retry-After": String(retryAfter) } };
    }
    case "403":
      return json(403, withPrefix("Forbidden", kind.description ?? "bot was blocked by the user"));
    case "400":
      return json(400, withPrefix("Bad Request", kind.description ?? "injected fault"));
    case "5xx": {
      const status = kind.status ?? 502;
      if (status === 500) return json(500, withPrefix("Internal Server Error", kind.description ?? ""));
      const title = HTML_REASONS[status] ?? `${status} Error`;
      const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n`;
      return { status, contentType: "text/html", body, recorded: body };
    }
  }
}

function withPrefix(prefix: string, description: string): string {
  if (description === "") return prefix;
  return description.startsWith(prefix) ? description : `${prefix}: ${description}`;
}

/** The set of armed faults of one server. */
export class FaultInjector {
  private faults: ArmedFault[] = [];

  /** Arms a fault; see {@link FaultSpec}. */
  inject(spec: FaultSpec): FaultHandle {
    const methods =
      spec.method === undefined
        ? undefined
        : new Set((Array.isArray(spec.method) ? spec.method : [spec.method]).map((m) => m.toLowerCase()));
    const fault: ArmedFault = {
      methods,
      chatId: spec.chatId === undefined ? undefined : String(spec.chatId),
      remaining: spec.times ?? 1,
      kind: spec.kind,
    };
    this.faults.push(fault);
    return {
      get remaining() {
        return fault.remaining;
      },
      cancel: () => {
        fault.remaining = 0;
        this.faults = this.faults.filter((f) => f !== fault);
      },
    };
  }

  /** Consumes and returns the first armed fault matching this call, if any. */
  take(method: string, params: Record<string, unknown>): FaultKind | undefined {
    const lower = method.toLowerCase();
    const chatId = params["chat_id"] === undefined ? undefined : String(params["chat_id"]);
    for (const fault of this.faults) {
      if (fault.remaining <= 0) continue;
      if (fault.methods !== undefined && !fault.methods.has(lower)) continue;
      if (fault.chatId !== undefined && fault.chatId !== chatId) continue;
      fault.remaining--;
      if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
      return fault.kind;
    }
    return undefined;
  }

  /** Disarms all faults. */
  clear(): void {
    this.faults = [];
  }
}
