/** The model card table over a Kysely connection; SQL both SQLite and PostgreSQL accept. */
import type { Kysely } from "kysely";
import { canonicalJson } from "../core/canonical-json.js";
import type { CardDatabase } from "./card-db-schema.js";
import type { CardRecord, CardSections, CardTx } from "./card-store.js";

export class KyselyCardTx implements CardTx {
  constructor(private readonly db: Kysely<CardDatabase>) {}

  async getCard(backendId: string, modelName: string, version: string): Promise<CardRecord | undefined> {
    const row = await this.db
      .selectFrom("model_cards")
      .selectAll()
      .where("backend_id", "=", backendId)
      .where("model_name", "=", modelName)
      .where("version", "=", version)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      backendId: row.backend_id,
      modelName: row.model_name,
      version: row.version,
      sections: JSON.parse(row.sections_json) as CardSections,
      updatedBy: row.updated_by,
      updatedAt: new Date(row.updated_at),
      auditEventId: row.audit_event_id,
    };
  }

  async putCard(card: CardRecord): Promise<void> {
    const values = {
      sections_json: canonicalJson(card.sections),
      updated_by: card.updatedBy,
      updated_at: card.updatedAt.toISOString(),
      audit_event_id: card.auditEventId,
    };
    await this.db
      .insertInto("model_cards")
      .values({ backend_id: card.backendId, model_name: card.modelName, version: card.version, ...values })
      .onConflict((oc) => oc.columns(["backend_id", "model_name", "version"]).doUpdateSet(values))
      .execute();
  }
}
