import { describe, expect, it } from "vitest";
import { Semaphore } from "./concurrency.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Semaphore", () => {
  it("keeps at most `limit` tasks in flight and runs them all", async () => {
    const limiter = new Semaphore(3);
    let running = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limiter.run(
          async () => {
            running++;
            most = Math.max(most, running);
            await sleep(5);
            running--;
            return i;
          },
          new AbortController().signal,
          () => new Error("aborted"),
        ),
      ),
    );
    expect(most).toBe(3);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(limiter.inFlight).toBe(0);
  });

  it("lets a waiting caller whose signal aborts leave the queue at once", async () => {
    const limiter = new Semaphore(1);
    const controller = new AbortController();
    const busy = limiter.run(() => sleep(50), new AbortController().signal, () => new Error("x"));
    const waiting = limiter.run(async () => "ran", controller.signal, () => new Error("cancelled while queued"));
    controller.abort();
    await expect(waiting).rejects.toThrow("cancelled while queued");
    await busy;
    expect(limiter.inFlight).toBe(0);
  });
});
