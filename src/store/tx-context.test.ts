import { AsyncLocalStorage } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import { TxContext } from "./tx-context.js";

describe("TxContext", () => {
  it("names the transaction an async chain runs in, nested and concurrent ones included", async () => {
    const ctx = new TxContext<string>();
    expect(ctx.current()).toBeUndefined();
    const seen: (string | undefined)[] = [];
    await Promise.all([
      ctx.run("a", async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(ctx.current());
        await ctx.run("a.inner", async () => {
          await Promise.resolve();
          seen.push(ctx.current());
        });
        seen.push(ctx.current());
      }),
      ctx.run("b", async () => {
        await Promise.resolve();
        seen.push(ctx.current());
      }),
    ]);
    expect(seen.sort()).toEqual(["a", "a", "a.inner", "b"]);
    expect(ctx.current()).toBeUndefined();
  });

  it("disables its storage when the last running transaction ends, not before", async () => {
    const events: string[] = [];
    class Recording extends AsyncLocalStorage<string> {
      override disable(): void {
        events.push("disable");
        super.disable();
      }
    }
    const ctx = new TxContext<string>(new Recording());
    let releaseA: () => void = () => {};
    const a = ctx.run("a", () => new Promise<void>((resolve) => (releaseA = resolve)));
    await ctx.run("b", async () => {
      await Promise.resolve();
    });
    events.push("b ended");
    releaseA();
    await a;
    events.push("a ended");
    expect(events).toEqual(["b ended", "disable", "a ended"]);
    // Enabled again by the next transaction.
    await ctx.run("c", async () => {
      await Promise.resolve();
      expect(ctx.current()).toBe("c");
    });
    expect(events).toEqual(["b ended", "disable", "a ended", "disable"]);
  });
});
