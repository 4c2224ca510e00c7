import { describe, expect, it } from "vitest";
import { Mutex } from "./mutex.js";

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("Mutex", () => {
  it("runs critical sections one at a time, in call order", async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    const section = (name: string, ticks: number) =>
      mutex.run(async () => {
        log.push(`${name}:start`);
        for (let i = 0; i < ticks; i++) await tick();
        log.push(`${name}:end`);
        return name;
      });
    const results = await Promise.all([section("a", 3), section("b", 1), section("c", 2)]);
    expect(results).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["a:start", "a:end", "b:start", "b:end", "c:start", "c:end"]);
  });

  it("passes a throw to its caller and goes on with the next section", async () => {
    const mutex = new Mutex();
    const failing = mutex.run(async () => {
      await tick();
      throw new Error("boom");
    });
    const next = mutex.run(async () => "next");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("next");
  });

  it("idle() waits for every queued section", async () => {
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
