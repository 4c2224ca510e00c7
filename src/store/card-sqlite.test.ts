import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { describe, expect, it } from "vitest";
import { describeCardStoreContract } from "./card-store.contract.js";
import { migrationProvider } from "./migrations/index.js";
import { openSqliteStore } from "./sqlite-store.js";

describeCardStoreContract("sqlite (:memory:)", async () => {
  const store = await openSqliteStore({ file: ":memory:" });
  return { store, dispose: () => store.close() };
});

describe("migration 0009 on SQLite", () => {
  it("keeps the gate results recorded before it, and still refuses a gate name it does not know", async () => {
    const dir = await mkdtemp(join(tmpdir(), "modelgate-0009-"));
    const file = join(dir, "modelgate.db");
    try {
      const sqlite = new Database(file);
      sqlite.pragma("foreign_keys = ON");
      const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
      const migrator = new Migrator({ db, provider: migrationProvider });
      expect((await migrator.migrateTo("0007_outbox_fencing")).error).toBeUndefined();
      const id = randomUUID();
      const now = "2026-03-01T00:00:00.000Z";
      sqlite
        .prepare(
          `insert into promotion_requests (id, kind, backend_id, model_name, version, environment, from_stage, to_stage, demote_to, previous_versions_json, status, requested_by, reason, policy_json, lock_key, created_at, updated_at)
           values (?, 'PROMOTION', 'git', 'm', '1', 'production', 'STAGING', 'PRODUCTION', 'ARCHIVED', '[]', 'PENDING', 'alice', 'r', '{}', 'git/m/production', ?, ?)`,
        )
        .run(id, now, now);
      sqlite.prepare(`insert into promotion_gate_results (request_id, gate, passed, detail, evidence_json, evaluated_at) values (?, 'EVAL', 1, 'ok', null, ?)`).run(id, now);
      expect(() => sqlite.prepare(`insert into promotion_gate_results (request_id, gate, passed, detail, evaluated_at) values (?, 'SIGNATURE', 1, 'ok', ?)`).run(id, now)).toThrow(/CHECK/);

      expect((await migrator.migrateTo("0009_provenance")).error).toBeUndefined();
      expect(sqlite.prepare("select gate, detail from promotion_gate_results").all()).toEqual([{ gate: "EVAL", detail: "ok" }]);
      sqlite.prepare(`insert into promotion_gate_results (request_id, gate, passed, detail, evaluated_at) values (?, 'SIGNATURE', 1, 'ok', ?)`).run(id, now);
      expect(() => sqlite.prepare(`insert into promotion_gate_results (request_id, gate, passed, detail, evaluated_at) values (?, 'SHADOW', 1, 'x', ?)`).run(id, now)).toThrow(/CHECK/);
      expect(() => sqlite.prepare(`insert into promotion_gate_results (request_id, gate, passed, detail, evaluated_at) values ('nope', 'LINEAGE', 1, 'x', ?)`).run(now)).toThrow(/FOREIGN KEY/);
      await db.destroy();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
