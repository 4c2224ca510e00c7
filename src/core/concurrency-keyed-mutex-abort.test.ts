import { describe, expect, it } from "vitest";
import { KeyedMutex } from "./concurrency.js";

const never = new AbortController().signal;
const aborted = () => new Error("aborted");

describe("KeyedMutex", () => {
  it("runs tasks of one key one at a time, in call order, whatever earlier ones did", async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const task = (name: string, ms: number, fail = false) => async () => {
      events.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([
      mutex.run("m", task("a", 20, true), never, aborted),
      mutex.run("m", task("b", 1), never, aborted),
      mutex.run("other", task("c", 1), never, aborted),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
    expect(events.indexOf("end a")).toBeLessThan(events.indexOf("start b"));
    expect(events.indexOf("start c")).toBeLessThan(events.indexOf("end a"));
    expect(mutex.size).toBe(0);
  });

  it("drops a waiting task whose signal aborts, and lets the queue go on", async () => {
    const mutex = new KeyedMutex();
    let release!: () => void;
    const first = mutex.run("m", () => new Promise<string>((resolve) => (release = () => resolve("first"))), never, aborted);
    const controller = new AbortController();
    let ran = false;
    const waiting = mutex.run("m", async () => (ran = true), controller.signal, aborted);
    const third = mutex.run("m", async () => "third", never, aborted);
    controller.abort();
    await expect(waiting).rejects.toThrow("aborted");
    release();
    expect(await first).toBe("first");
    expect(await third).toBe("third");
    expect(ran).toBe(false);
    expect(mutex.size).toBe(0);
  });
});
