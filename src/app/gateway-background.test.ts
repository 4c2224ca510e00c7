/**
 * The gateway's background jobs across changes of leadership and close(): a start waits for the
 * previous term's jobs to stop, and is dropped when leadership was lost again or the gateway closed
 * meanwhile; close() returns only once every job it started is stopped, before the store closes.
 *
 * The leadership is driven by hand (the Leadership contract, as SoleLeadership and
 * PostgresLeadership keep it), and the outbox worker's first store transaction is held by the test:
 * a slow store at the exact moment a stop has to wait for it, which no real store does on cue.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import { createLogger } from "../logging.js";
import { openSqliteStore } from "../store/sqlite-store.js";
import type { StoreTx } from "../store/store.js";
import { createGateway, type Gateway } from "./gateway.js";
import type { Leadership } from "./leadership.js";

/** Leadership changed by the test; stop() steps down as the real ones do. */
class HandLeadership implements Leadership {
  leading = false;
  stopCalls = 0;
  #onChange: (leading: boolean) => void = () => undefined;

  start(onChange: (leading: boolean) => void): void {
    this.#onChange = onChange;
  }

  lead(): void {
    this.leading = true;
    this.#onChange(true);
  }

  lose(): void {
    this.leading = false;
    this.#onChange(false);
  }

  stop(): Promise<void> {
    this.stopCalls += 1;
    if (this.leading) this.lose();
    return Promise.resolve();
  }
}

/** Lets every pending promise job and I/O callback run: `turns` turns of the event loop, no timers. */
async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

interface Scene {
  gateway: Gateway;
  leadership: HandLeadership;
  /** Outbox passes begun (each new worker begins one at once, reading its clock first). */
  passes: () => number;
  /** Whether the held transaction is waiting for release(). */
  held: () => boolean;
  /** Lets the held transaction go on; resolves when it has ended. */
  release(): Promise<void>;
  /** Error lines the gateway logged. */
  errors: string[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/**
 * A gateway with only the outbox worker as background work, led by hand; the worker's first
 * transaction (its first pass looking for due rows) waits until the test releases it.
 */
async function scene(): Promise<Scene> {
  const dir = await mkdtemp(join(tmpdir(), "modelgate-background-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const config = configSchema.parse({ logLevel: "warn" });
  const errors: string[] = [];
  const logger = createLogger("warn", { write: (line: string) => errors.push(line) } as unknown as NodeJS.WritableStream);
  const store = await openSqliteStore({ file: ":memory:" });
  let holding = false;
  let waiting = false;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let heldEnded: Promise<unknown> = Promise.resolve();
  const transaction = store.transaction.bind(store);
  store.transaction = <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> => {
    if (!holding) return transaction(fn);
    holding = false;
    waiting = true;
    const result = gate.then(() => {
      waiting = false;
      return transaction(fn);
    });
    heldEnded = result.catch(() => undefined);
    return result;
  };
  let passes = 0;
  const leadership = new HandLeadership();
  const gateway = await createGateway(
    { config, configDir: dir, dataDir: join(dir, "data") },
    {
      logger,
      store,
      leadership,
      // One pass now, the next a minute later: every pass the test sees is a worker starting.
      outbox: {
        pollMs: 60_000,
        clock: () => {
          passes += 1;
          return new Date();
        },
      },
      drift: false,
      webhooks: false,
      idleChecks: false,
      deprecation: false,
      rollouts: false,
    },
  );
  cleanups.push(async () => {
    open();
    await gateway.close();
  });
  // From here on the first transaction is the worker's first pass (none ran before it led).
  holding = true;
  return {
    gateway,
    leadership,
    passes: () => passes,
    held: () => waiting,
    async release() {
      open();
      await heldEnded;
    },
    errors,
  };
}

/** Leads, loses (the worker's stop now waits for its held pass) and leads again: a start waits behind that stop. */
async function startWaitingBehindAStop(s: Scene): Promise<void> {
  s.leadership.lead();
  await settle();
  expect(s.passes()).toBe(1);
  expect(s.held()).toBe(true);
  s.leadership.lose();
  s.leadership.lead();
  await settle();
  // The new term's worker waits for the old one's stop.
  expect(s.passes()).toBe(1);
}

describe("the gateway's background jobs", () => {
  it("start again once the previous term's jobs have stopped", async () => {
    const s = await scene();
    await startWaitingBehindAStop(s);
    await s.release();
    await settle();
    expect(s.passes()).toBe(2);
    await s.gateway.close();
    expect(s.errors).toEqual([]);
  });

  it("do not start when leadership was lost again while the start waited", async () => {
    const s = await scene();
    await startWaitingBehindAStop(s);
    s.leadership.lose();
    await s.release();
    await settle();
    expect(s.leadership.leading).toBe(false);
    expect(s.passes()).toBe(1);
    await s.gateway.close();
    await settle();
    expect(s.passes()).toBe(1);
    expect(s.errors).toEqual([]);
  });

  it("do not start after close(), and close() waits for the earlier term's jobs before the store closes", async () => {
    const s = await scene();
    await startWaitingBehindAStop(s);
    const closing = s.gateway.close();
    // Either close() hands leadership over while the old worker still runs, or it waits for that
    // worker first; let it go as far as it goes before the held pass ends.
    for (let i = 0; i < 50 && s.leadership.stopCalls === 0; i++) await settle(1);
    await s.release();
    await closing;
    await settle();
    // The held pass ran on the open store, and no worker of the waiting term began.
    expect(s.errors).toEqual([]);
    expect(s.passes()).toBe(1);
    expect(s.leadership.stopCalls).toBe(1);
  });

  it("close() right after creation, with the first start still queued, starts nothing", async () => {
    const s = await scene();
    s.leadership.lead();
    await s.gateway.close();
    await settle();
    expect(s.passes()).toBe(0);
    expect(s.errors).toEqual([]);
  });
});
