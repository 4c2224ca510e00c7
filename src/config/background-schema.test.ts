import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.js";
import { loadConfig } from "./load-config.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "modelgate-config-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("background: outbox lease", () => {
  it("takes a lease margin shorter than the lease, and leaves it unset by default", async () => {
    expect((await loadConfig({ cwd: dir, env: {} })).config.background).toMatchObject({ outboxLeaseSeconds: 60 });
    expect((await loadConfig({ cwd: dir, env: {} })).config.background.outboxLeaseMarginSeconds).toBeUndefined();
    writeFileSync(join(dir, "modelgate.yaml"), "background:\n  outboxLeaseSeconds: 120\n  outboxLeaseMarginSeconds: 20\n");
    expect((await loadConfig({ cwd: dir, env: {} })).config.background).toMatchObject({ outboxLeaseSeconds: 120, outboxLeaseMarginSeconds: 20 });
  });

  it("refuses a margin that leaves a backend call no time under the lease, naming the key and its line", async () => {
    writeFileSync(join(dir, "modelgate.yaml"), "background:\n  outboxLeaseSeconds: 10\n  outboxLeaseMarginSeconds: 10\n");
    const err = await loadConfig({ cwd: dir, env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      "background.outboxLeaseMarginSeconds (line 3): must be shorter than background.outboxLeaseSeconds (10): a backend call needs some of the lease",
    ]);
  });
});
