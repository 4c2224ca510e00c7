/**
 * RefWatch tells its listeners when the branch may have moved: at once on a write through the
 * adapter, from the file-system watch, and from the periodic read where no watch reports (a
 * network mount). Conditions are polled with generous deadlines; nothing here asserts a time.
 */
import { EventEmitter } from "node:events";
import type { FSWatcher } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { RefWatch } from "./ref-watch.js";

const watches: RefWatch[] = [];
afterEach(() => {
  for (const w of watches.splice(0)) w.close();
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const stop = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > stop) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A watch that never reports, as on a file system without change events. */
function silentWatch(): FSWatcher {
  const w = new EventEmitter() as unknown as FSWatcher;
  (w as unknown as { close(): void }).close = () => {};
  return w;
}

describe("RefWatch", () => {
  it("notices a moved head by its periodic read when the file-system watch reports nothing", async () => {
    let head = "a".repeat(40);
    let calls = 0;
    const watch = new RefWatch({ intervalMs: 20, head: async () => head, files: async () => ["/nowhere/refs/heads/main"], watchDir: silentWatch });
    watches.push(watch);
    watch.subscribe(() => calls++);
    // The first read tells listeners (answers built before the watch started may predate a move).
    await until(() => calls === 1, "the first read");
    head = "b".repeat(40);
    await until(() => calls === 2, "the moved head");
  });

  it("tells listeners on a file-system change of the ref's own file, not of its lock file", async () => {
    let report: ((name: string | null) => void) | undefined;
    let calls = 0;
    const watch = new RefWatch({
      intervalMs: 3_600_000,
      head: async () => "a".repeat(40),
      files: async () => ["/repo/.git/refs/heads/main"],
      watchDir: (_dir, onChange) => {
        report = onChange;
        return silentWatch();
      },
    });
    watches.push(watch);
    watch.subscribe(() => calls++);
    await until(() => calls === 1 && report !== undefined, "the first read");
    report?.("main.lock");
    expect(calls).toBe(1);
    report?.("main");
    expect(calls).toBe(2);
    watch.changed();
    expect(calls).toBe(3);
  });

  it("counts a head it cannot read as moved, and stops calling once unsubscribed", async () => {
    let fail = false;
    let calls = 0;
    const watch = new RefWatch({
      intervalMs: 20,
      head: async () => {
        if (fail) throw new Error("gone");
        return "a".repeat(40);
      },
      files: async () => undefined,
    });
    watches.push(watch);
    const stop = watch.subscribe(() => calls++);
    await until(() => calls === 1, "the first read");
    fail = true;
    await until(() => calls >= 2, "the failed read");
    stop();
    const after = calls;
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(after);
  });
});
