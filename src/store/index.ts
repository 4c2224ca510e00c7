export * from "./store.js";
export { StoreError } from "./errors.js";
export { CanonicalJsonError, canonicalJson } from "../core/canonical-json.js";
export {
  GENESIS_PREV_HASH,
  auditContent,
  auditEventHash,
  verifyAuditChain,
  type AuditChainVerdict,
  type ChainAnchor,
} from "./audit-chain.js";
export { MAX_AUDIT_PAGE_SIZE } from "./audit-reader.js";
export { LATEST_SCHEMA_VERSION } from "./migrations/index.js";
export { SqliteStore, openSqliteStore, type SqliteStoreOptions } from "./sqlite-store.js";
export { PostgresStore, openPostgresStore, type PostgresStoreOptions } from "./postgres-store.js";
export { SQLITE_FILE_NAME, openStore } from "./open-store.js";
