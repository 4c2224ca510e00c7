/**
 * 0001: the audit trail.
 *
 * Written with Kysely's schema builder and only types SQLite and PostgreSQL share, so both stores
 * run these same migrations:
 * - `seq integer primary key`: assigned by the store (head + 1), never by the database, so a rolled
 *   back append leaves no gap. In SQLite it is the rowid, so every secondary index ends in seq and
 *   "filter, order by seq" reads straight off an index; PostgreSQL gets the (column, seq) indexes.
 * - timestamps are `text` holding `Date#toISOString()` (UTC, millisecond precision, fixed width):
 *   they sort and compare as text in both databases, read the same in a shell, and are exactly the
 *   text the hash chain covers, so no driver's date conversion can change a hashed value.
 * - JSON payloads (`before_json`, `after_json`) are `text` holding RFC 8785 canonical JSON, again
 *   the exact text that was hashed (a PostgreSQL `jsonb` would reformat it).
 * - PostgreSQL only: a trigger refuses UPDATE and DELETE of audit rows (and TRUNCATE), whoever runs
 *   them short of the table's owner disabling it, so a gateway role granted SELECT and INSERT alone
 *   cannot rewrite the trail even through a bug (docs/operations.md has the grants). SQLite has no
 *   roles: anyone who can write the file can edit it, which the hash chain then reports.
 */
import { sql, type Kysely } from "kysely";
import { dialectOf } from "../dialect.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("audit_events")
    .addColumn("seq", "integer", (c) => c.primaryKey().notNull().check(sql`seq >= 1`))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_type", "text", (c) => c.notNull())
    .addColumn("target", "text", (c) => c.notNull())
    .addColumn("backend_id", "text")
    .addColumn("model_name", "text")
    .addColumn("before_json", "text")
    .addColumn("after_json", "text")
    .addColumn("reason", "text")
    .addColumn("outcome", "text", (c) => c.notNull().check(sql`outcome in ('SUCCESS', 'FAILURE')`))
    .addColumn("error", "text")
    .addColumn("request_id", "text")
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addUniqueConstraint("audit_events_id_key", ["id"])
    .execute();

  for (const column of ["actor", "action", "backend_id", "model_name"] as const) {
    await db.schema
      .createIndex(`audit_events_${column}_seq_idx`)
      .on("audit_events")
      .columns([column, "seq"])
      .execute();
  }
  await db.schema.createIndex("audit_events_at_idx").on("audit_events").column("at").execute();

  if (dialectOf(db) === "postgres") {
    await sql`
      create function modelgate_audit_events_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_events is append-only: % refused (the audit trail is never edited or deleted)', tg_op
          using errcode = 'insufficient_privilege';
      end
      $$`.execute(db);
    await sql`
      create trigger audit_events_append_only before update or delete on audit_events
      for each row execute function modelgate_audit_events_append_only()`.execute(db);
    await sql`
      create trigger audit_events_no_truncate before truncate on audit_events
      for each statement execute function modelgate_audit_events_append_only()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("audit_events").execute();
  if (dialectOf(db) === "postgres") await sql`drop function modelgate_audit_events_append_only()`.execute(db);
}
