/**
 * The human-written sections of model cards as the store keeps them (`tx.cards` inside a
 * transaction, `store.cards` outside one). One row per model (`version` "") and per version; the
 * Kysely implementation is in ./card-kysely.ts, the DDL in ./migrations/0009_provenance.ts.
 */

/** Section name -> text (markdown). */
export type CardSections = Record<string, string>;

export interface CardRecord {
  backendId: string;
  modelName: string;
  /** "" for the model's own sections (every version shows them unless it overrides one). */
  version: string;
  sections: CardSections;
  updatedBy: string;
  updatedAt: Date;
  /** The model_card.update audit event that wrote it. */
  auditEventId: string;
}

export interface CardTx {
  getCard(backendId: string, modelName: string, version: string): Promise<CardRecord | undefined>;
  /** Inserts or replaces the row of (backendId, modelName, version). */
  putCard(card: CardRecord): Promise<void>;
}
