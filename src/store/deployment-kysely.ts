/**
 * The deployment tables over a Kysely connection (SQLite now; the SQL is portable to PostgreSQL).
 * The caller supplies the transaction: every method runs on the connection it is given.
 */
import { randomUUID } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import { ConflictError, InvalidInputError } from "../core/errors.js";
import {
  componentsHash,
  sortComponents,
  type DeploymentListQuery,
  type DeploymentPage,
  type DeploymentRecord,
  type DeploymentRevisionRecord,
  type DeploymentRevisionStatus,
  type DeploymentTx,
  type NewDeploymentRevision,
} from "./deployment-store.js";
import { isUniqueViolation } from "./workflow-kysely.js";
import type { DeploymentDatabase, DeploymentRevisionComponentsTable, DeploymentRevisionsTable, DeploymentsTable } from "./deployment-db-schema.js";

const iso = (d: Date): string => d.toISOString();

function deploymentFrom(row: Selectable<DeploymentsTable>): DeploymentRecord {
  return { id: row.id, name: row.name, environment: row.environment, createdBy: row.created_by, createdAt: new Date(row.created_at) };
}

function revisionFrom(row: Selectable<DeploymentRevisionsTable>, components: Selectable<DeploymentRevisionComponentsTable>[]): DeploymentRevisionRecord {
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    number: row.number,
    status: row.status as DeploymentRevisionStatus,
    components: [...components]
      .sort((a, b) => a.position - b.position)
      .map((c) => ({ role: c.role, backendId: c.backend_id, modelName: c.model_name, version: c.version, weight: c.weight, shadow: c.shadow === 1 })),
    contentHash: row.content_hash,
    createdBy: row.created_by,
    reason: row.reason,
    createdAt: new Date(row.created_at),
    auditEventId: row.audit_event_id,
  };
}

/** Deployment page cursors: base64url of JSON ["dep", environment, name] of the page's last row. */
export function encodeDeploymentCursor(d: DeploymentRecord): string {
  return Buffer.from(JSON.stringify(["dep", d.environment, d.name]), "utf8").toString("base64url");
}

function decodeDeploymentCursor(cursor: string): { environment: string; name: string } {
  const bad = () => new InvalidInputError("invalid deployment cursor: pass the endCursor of a previous page unchanged", { field: "after" });
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parts) || parts.length !== 3 || parts[0] !== "dep" || typeof parts[1] !== "string" || typeof parts[2] !== "string") throw bad();
  return { environment: parts[1], name: parts[2] };
}

export class KyselyDeploymentTx implements DeploymentTx {
  constructor(private readonly db: Kysely<DeploymentDatabase>) {}

  async ensureDeployment(name: string, environment: string, createdBy: string, at: Date): Promise<DeploymentRecord> {
    const existing = await this.getDeployment(name, environment);
    if (existing !== undefined) return existing;
    const row = { id: randomUUID(), name, environment, created_by: createdBy, created_at: iso(at) };
    await this.db.insertInto("deployments").values(row).execute();
    return deploymentFrom(row);
  }

  async getDeployment(name: string, environment: string): Promise<DeploymentRecord | undefined> {
    const row = await this.db.selectFrom("deployments").selectAll().where("name", "=", name).where("environment", "=", environment).executeTakeFirst();
    return row === undefined ? undefined : deploymentFrom(row);
  }

  async getDeploymentById(id: string): Promise<DeploymentRecord | undefined> {
    const row = await this.db.selectFrom("deployments").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : deploymentFrom(row);
  }

  async listDeployments(query: DeploymentListQuery): Promise<DeploymentPage> {
    let q = this.db.selectFrom("deployments").selectAll();
    if (query.environment !== undefined) q = q.where("environment", "=", query.environment);
    if (query.after !== undefined) {
      const c = decodeDeploymentCursor(query.after);
      q = q.where((eb) => eb.or([eb("environment", ">", c.environment), eb.and([eb("environment", "=", c.environment), eb("name", ">", c.name)])]));
    }
    const rows = await q.orderBy("environment", "asc").orderBy("name", "asc").limit(query.first + 1).execute();
    const items = rows.slice(0, query.first).map(deploymentFrom);
    return rows.length > query.first ? { items, nextCursor: encodeDeploymentCursor(items.at(-1)!) } : { items };
  }

  async insertRevision(revision: NewDeploymentRevision): Promise<DeploymentRevisionRecord> {
    const last = await this.db
      .selectFrom("deployment_revisions")
      .select("number")
      .where("deployment_id", "=", revision.deploymentId)
      .orderBy("number", "desc")
      .limit(1)
      .executeTakeFirst();
    const components = sortComponents(revision.components);
    const row = {
      id: revision.id,
      deployment_id: revision.deploymentId,
      number: (last?.number ?? 0) + 1,
      status: revision.status,
      content_hash: componentsHash(components),
      created_by: revision.createdBy,
      reason: revision.reason,
      created_at: iso(revision.createdAt),
      audit_event_id: revision.auditEventId,
    };
    try {
      await this.db.insertInto("deployment_revisions").values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError(`revision ${row.number} of deployment ${revision.deploymentId} was recorded by another writer; retry`, { cause: err });
      }
      throw err;
    }
    const componentRows = components.map((c, position) => ({
      revision_id: row.id,
      position,
      role: c.role,
      backend_id: c.backendId,
      model_name: c.modelName,
      version: c.version,
      weight: c.weight,
      shadow: c.shadow ? 1 : 0,
    }));
    if (componentRows.length > 0) await this.db.insertInto("deployment_revision_components").values(componentRows).execute();
    return revisionFrom(row, componentRows);
  }

  async getRevision(id: string): Promise<DeploymentRevisionRecord | undefined> {
    const row = await this.db.selectFrom("deployment_revisions").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : (await this.#withComponents([row]))[0];
  }

  async latestRevision(deploymentId: string): Promise<DeploymentRevisionRecord | undefined> {
    return (await this.listRevisions(deploymentId, 1))[0];
  }

  async listRevisions(deploymentId: string, limit: number): Promise<DeploymentRevisionRecord[]> {
    const rows = await this.db
      .selectFrom("deployment_revisions")
      .selectAll()
      .where("deployment_id", "=", deploymentId)
      .orderBy("number", "desc")
      .limit(limit)
      .execute();
    return this.#withComponents(rows);
  }

  async #withComponents(rows: Selectable<DeploymentRevisionsTable>[]): Promise<DeploymentRevisionRecord[]> {
    if (rows.length === 0) return [];
    const components = await this.db
      .selectFrom("deployment_revision_components")
      .selectAll()
      .where(
        "revision_id",
        "in",
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((r) => revisionFrom(r, components.filter((c) => c.revision_id === r.id)));
  }
}
