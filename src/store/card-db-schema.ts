/** The model card table as Kysely sees it (DDL and reasons in ./migrations/0009_provenance.ts). */

export interface ModelCardsTable {
  backend_id: string;
  model_name: string;
  version: string;
  sections_json: string;
  updated_by: string;
  updated_at: string;
  audit_event_id: string;
}

export interface CardDatabase {
  model_cards: ModelCardsTable;
}
