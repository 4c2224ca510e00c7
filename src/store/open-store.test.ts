import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema, type LoadedConfig } from "../config/schema.js";
import { openStore } from "./open-store.js";

function loaded(dataDir: string): LoadedConfig {
  return { config: configSchema.parse({}), configDir: dataDir, dataDir };
}

describe("openStore", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "modelgate-open-store-"));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("opens SQLite at <dataDir>/modelgate.db, creating the data dir", async () => {
    const dataDir = join(dir, "state", "data");
    const store = await openStore(loaded(dataDir));
    try {
      expect(store.dialect).toBe("sqlite");
      await store.appendAudit({ actor: "a", action: "x.y", targetType: "model", target: "m", outcome: "SUCCESS" });
      expect(existsSync(join(dataDir, "modelgate.db"))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("names the data dir it cannot create", async () => {
    const file = join(dir, "file");
    writeFileSync(file, "");
    await expect(openStore(loaded(join(file, "data")))).rejects.toThrow(`cannot create the data dir ${join(file, "data")}`);
  });
});
