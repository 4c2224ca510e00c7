import { describe, expect, it } from "vitest";
import { KeyedMutex } from "./concurrency.js";

const never = new AbortController().signal;
const aborted = () => new Error("aborted");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("KeyedMutex", () => {
  it("runs the tasks of one key one at a time, in call order, whatever earlier ones did", async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const task = (id: string, fail = false) => async () => {
      running++;
      most = Math.max(most, running);
      await sleep(5);
      log.push(id);
      running--;
      if (fail) throw new Error(`task ${id} failed`);
      return id;
    };
    const results = await Promise.allSettled([
      mutex.run("m", task("1"), never, aborted),
      mutex.run("m", task("2", true), never, aborted),
      mutex.run("m", task("3"), never, aborted),
    ]);
    expect(log).toEqual(["1", "2", "3"]);
    expect(most).toBe(1);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(mutex.size).toBe(0);
  });

  it("runs different keys in parallel", async () => {
    const mutex = new KeyedMutex();
    let running = 0;
    let most = 0;
    const task = async () => {
      running++;
      most = Math.max(most, running);
      await sleep(10);
      running--;
    };
    await Promise.all(["a", "b", "c"].map((k) => mutex.run(k, task, never, aborted)));
    expect(most).toBe(3);
  });

  it("drops a waiting task whose signal aborts, without running it", async () => {
    const mutex = new KeyedMutex();
    const controller = new AbortController();
    let ran = false;
    const first = mutex.run("m", () => sleep(30), never, aborted);
    const second = mutex.run("m", async () => {
      ran = true;
    }, controller.signal, () => new Error("gave up waiting"));
    controller.abort();
    await expect(second).rejects.toThrow("gave up waiting");
    await first;
    expect(ran).toBe(false);
  });
});
