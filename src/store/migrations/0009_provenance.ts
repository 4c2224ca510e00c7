/**
 * 0009: provenance.
 *
 * - `model_cards`: the human-written sections of model cards (intended use, factors, ethical
 *   considerations, caveats, ...), per model (`version` = '') and per version. `sections_json` is
 *   the RFC 8785 canonical JSON of { section: text }. `audit_event_id` is the model_card.update
 *   event that wrote the row.
 * - `promotion_gate_results.gate` also takes SIGNATURE and LINEAGE. PostgreSQL swaps the CHECK
 *   constraint; SQLite cannot alter a CHECK, so the table is rebuilt (created anew, rows copied,
 *   the old one dropped and the new one renamed; nothing references it).
 *
 * Same rules as 0001: types both SQLite and PostgreSQL share, timestamps as fixed-width ISO text.
 */
import { sql, type Kysely } from "kysely";
import { dialectOf } from "../dialect.js";

const GATES_V2 = sql`gate in ('EVAL', 'CANARY', 'APPROVAL', 'SIGNATURE', 'LINEAGE')`;
const GATES_V1 = sql`gate in ('EVAL', 'CANARY', 'APPROVAL')`;

async function setGateCheck(db: Kysely<unknown>, check: typeof GATES_V2): Promise<void> {
  if (dialectOf(db) === "postgres") {
    await sql`alter table promotion_gate_results drop constraint promotion_gate_results_gate_check`.execute(db);
    await sql`alter table promotion_gate_results add constraint promotion_gate_results_gate_check check (${check})`.execute(db);
    return;
  }
  await db.schema
    .createTable("promotion_gate_results_rebuilt")
    .addColumn("request_id", "text", (c) => c.notNull().references("promotion_requests.id"))
    .addColumn("gate", "text", (c) => c.notNull().check(check))
    .addColumn("passed", "integer", (c) => c.notNull().check(sql`passed in (0, 1)`))
    .addColumn("detail", "text", (c) => c.notNull())
    .addColumn("evidence_json", "text")
    .addColumn("evaluated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("promotion_gate_results_pkey", ["request_id", "gate"])
    .execute();
  await sql`insert into promotion_gate_results_rebuilt (request_id, gate, passed, detail, evidence_json, evaluated_at)
    select request_id, gate, passed, detail, evidence_json, evaluated_at from promotion_gate_results`.execute(db);
  await db.schema.dropTable("promotion_gate_results").execute();
  await sql`alter table promotion_gate_results_rebuilt rename to promotion_gate_results`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("model_cards")
    .addColumn("backend_id", "text", (c) => c.notNull())
    .addColumn("model_name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("sections_json", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("audit_event_id", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("model_cards_pkey", ["backend_id", "model_name", "version"])
    .execute();
  await setGateCheck(db, GATES_V2);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from promotion_gate_results where gate in ('SIGNATURE', 'LINEAGE')`.execute(db);
  await setGateCheck(db, GATES_V1);
  await db.schema.dropTable("model_cards").execute();
}
