/**
 * A real webhook receiver for tests: a node:http server on 127.0.0.1 that verifies every request's
 * signature with the public helper, records it, and answers as told (2xx, an error status, or not
 * at all: `down()` closes the port and `up()` opens the same port again).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhookSignature, type VerifyWebhookResult } from "../../src/client/index.js";

export interface ReceivedWebhook {
  deliveryId: string;
  eventType: string;
  timestamp: string;
  signature: string;
  rawBody: string;
  body: { deliveryId: string; targetId: string; event: { id: string; seq: number; type: string; action: string; target: string; outcome: string } & Record<string, unknown> };
  verified: VerifyWebhookResult;
  /** The status this receiver answered with. */
  answered: number;
}

export interface WebhookReceiver {
  url: string;
  /** Every request, in arrival order, whatever was answered. */
  received: ReceivedWebhook[];
  /** The requests answered 2xx, in arrival order. */
  accepted(): ReceivedWebhook[];
  /** The status to answer with from now on (default 204). */
  respondWith(status: number): void;
  /** Requests being handled right now, and the most seen at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Delay before answering each request, ms (to widen overlap windows in concurrency tests). */
  setDelay(ms: number): void;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let status = 204;
  let delayMs = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const rawBody = await readBody(req);
      const verified = await verifyWebhookSignature({ secret, body: rawBody, headers: req.headers });
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const answered = verified.ok ? status : 401;
      received.push({
        deliveryId: String(req.headers["modelgate-delivery"]),
        eventType: String(req.headers["modelgate-event"]),
        timestamp: String(req.headers["modelgate-timestamp"]),
        signature: String(req.headers["modelgate-signature"]),
        rawBody,
        body: JSON.parse(rawBody) as ReceivedWebhook["body"],
        verified,
        answered,
      });
      res.writeHead(answered).end();
    } finally {
      inFlight -= 1;
    }
  };
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const s = createServer((req, res) => void handler(req, res));
      s.keepAliveTimeout = 1;
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => resolve(s));
    });
  const stop = async () => {
    const s = server;
    server = undefined;
    if (s === undefined) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  server = await listen(0);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    accepted: () => received.filter((r) => r.answered >= 200 && r.answered < 300),
    respondWith(s) {
      status = s;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    down: stop,
    async up() {
      if (server === undefined) server = await listen(port);
    },
    close: stop,
  };
}

/** Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting after ${timeoutMs} ms for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
