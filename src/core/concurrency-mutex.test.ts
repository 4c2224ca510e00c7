import { describe, expect, it } from "vitest";
import { Mutex } from "./concurrency.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("Mutex", () => {
  it("runs tasks one at a time in call order, past failures", async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    const task = (name: string, fail = false) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([mutex.run(task("a")), mutex.run(task("b", true)), mutex.run(task("c"))]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("drops a waiting task whose signal aborts, rejecting at once", async () => {
    const mutex = new Mutex();
    let release!: () => void;
    const blocker = mutex.run(() => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    let ran = false;
    const waiting = mutex.run(
      async () => {
        ran = true;
      },
      controller.signal,
      () => new Error("cancelled"),
    );
    controller.abort();
    await expect(waiting).rejects.toThrow("cancelled");
    release();
    await blocker;
    expect(await mutex.run(async () => "next")).toBe("next");
    expect(ran).toBe(false);
  });

  it("idle() waits for every queued task", async () => {
    const mutex = new Mutex();
    let done = 0;
    for (let i = 0; i < 3; i++) {
      void mutex.run(async () => {
        await tick();
        done++;
      });
    }
    await mutex.idle();
    expect(done).toBe(3);
  });
});
