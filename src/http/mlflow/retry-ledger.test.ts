import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { RetryLedger } from "./retry-ledger.js";

/** The parts of a response the ledger reads: a connection that closes, finished or not. (A dropped connection cannot be produced on demand by a real client.) */
function response(): ServerResponse & { finish(status: number): void; drop(): void } {
  const res = new EventEmitter() as EventEmitter & { writableFinished: boolean; statusCode: number };
  res.writableFinished = false;
  res.statusCode = 200;
  return Object.assign(res, {
    finish(status: number) {
      res.statusCode = status;
      res.writableFinished = true;
      res.emit("close");
    },
    drop() {
      res.emit("close");
    },
  }) as unknown as ServerResponse & { finish(status: number): void; drop(): void };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("the retry ledger of creates", () => {
  it("gives a retry the result of a create whose answer never reached the client: one write", async () => {
    const ledger = new RetryLedger(60_000);
    let writes = 0;
    const first = response();
    const created = await ledger.run("alice|create|v", first, async () => ({ version: String(++writes) }));
    first.drop();
    await settle();
    const retried = await ledger.run("alice|create|v", response(), async () => ({ version: String(++writes) }));
    expect(retried).toEqual(created);
    expect(writes).toBe(1);
  });

  it("lets a retry that arrives while the first attempt still runs wait for it", async () => {
    const ledger = new RetryLedger(60_000);
    let release!: (v: string) => void;
    let writes = 0;
    const first = ledger.run("k", response(), () => {
      writes++;
      return new Promise<string>((r) => (release = r));
    });
    const second = ledger.run("k", response(), async () => `${++writes}`);
    release("1");
    expect(await Promise.all([first, second])).toEqual(["1", "1"]);
    expect(writes).toBe(1);
  });

  it("forgets a delivered answer and a failed attempt: the next identical create is a new one, as in MLflow", async () => {
    const ledger = new RetryLedger(60_000);
    let writes = 0;
    const delivered = response();
    await ledger.run("k", delivered, async () => ++writes);
    delivered.finish(200);
    await settle();
    expect(await ledger.run("k", response(), async () => ++writes)).toBe(2);
    const failing = new RetryLedger(60_000);
    await expect(failing.run("k", response(), async () => Promise.reject(new Error("backend down")))).rejects.toThrow("backend down");
    await settle();
    expect(await failing.run("k", response(), async () => "fresh")).toBe("fresh");
  });

  it("keeps an undelivered result only for its time to live", async () => {
    let now = 0;
    const ledger = new RetryLedger(1_000, () => now);
    const first = response();
    await ledger.run("k", first, async () => "old");
    first.finish(503);
    await settle();
    now = 1_001;
    expect(await ledger.run("k", response(), async () => "new")).toBe("new");
  });
});
