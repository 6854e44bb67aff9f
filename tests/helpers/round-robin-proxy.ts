/**
 * A small round-robin HTTP load balancer for the replica tests: each request goes to the next
 * backend in turn, and the proxy keeps a log of which backend served which request and when it
 * arrived and was answered (so a test can tell which replica handled an update).
 */
import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One proxied request. */
export interface ProxiedRequest {
  /** Index of the backend that served it. */
  backend: number;
  method: string;
  path: string;
  body: string;
  /** 0 until answered. */
  status: number;
  /** Date.now() when the request arrived, and when its response was finished (undefined until then). */
  startedAt: number;
  endedAt?: number;
}

/** A running proxy. */
export interface RoundRobinProxy {
  url: string;
  log: ProxiedRequest[];
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "host"]);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/** Starts a proxy on 127.0.0.1 (a free port unless `port` is given) in front of `backends` (base URLs). */
export async function startRoundRobinProxy(backends: readonly string[], port = 0): Promise<RoundRobinProxy> {
  let next = 0;
  const log: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    const startedAt = Date.now();
    const backend = next;
    next = (next + 1) % backends.length;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const target = new URL(req.url ?? "/", backends[backend]);
      const entry: ProxiedRequest = {
        backend,
        method: req.method ?? "",
        path: target.pathname,
        body: body.toString("utf8"),
        status: 0,
        startedAt,
      };
      log.push(entry);
      const upstream = request(
        target,
        { method: req.method, headers: { ...forwardable(req.headers), "content-length": String(body.length) } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
          answer.pipe(res);
          answer.on("end", () => {
            entry.status = answer.statusCode ?? 0;
            entry.endedAt = Date.now();
          });
        },
      );
      upstream.on("error", () => {
        entry.status = 502;
        entry.endedAt = Date.now();
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    log,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
