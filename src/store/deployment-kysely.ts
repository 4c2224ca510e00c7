/**
 * The deployment tables over a Kysely connection (SQLite now; the SQL is portable to PostgreSQL).
 * The caller supplies the transaction: every method runs on the connection it is given.
 */
import { randomUUID } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import { decodeJsonCursor, encodeJsonCursor } from "../core/cursor.js";
import { ConflictError, InvalidInputError } from "../core/errors.js";
import {
  componentsHash,
  sortComponents,
  type ComponentActivation,
  type DeploymentActivationRecord,
  type DeploymentListQuery,
  type DeploymentPage,
  type DeploymentRecord,
  type DeploymentRevisionRecord,
  type DeploymentRevisionStatus,
  type DeploymentTx,
  type NewDeploymentRevision,
} from "./deployment-store.js";
import { StoreError } from "./errors.js";
import { isUniqueViolation } from "./workflow-kysely.js";
import type {
  DeploymentActivationsTable,
  DeploymentDatabase,
  DeploymentRevisionComponentsTable,
  DeploymentRevisionsTable,
  DeploymentsTable,
} from "./deployment-db-schema.js";

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

function activationFrom(row: Selectable<DeploymentActivationsTable>): DeploymentActivationRecord {
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    revisionId: row.revision_id,
    requestId: row.request_id,
    activatedAt: new Date(row.activated_at),
    deactivatedAt: row.deactivated_at === null ? null : new Date(row.deactivated_at),
  };
}

/** Deployment page cursors: base64url of JSON ["dep", environment, name] of the page's last row. */
export function encodeDeploymentCursor(d: DeploymentRecord): string {
  return encodeJsonCursor(["dep", d.environment, d.name]);
}

function decodeDeploymentCursor(cursor: string): { environment: string; name: string } {
  const bad = () => new InvalidInputError("invalid deployment cursor: pass the endCursor of a previous page unchanged", { field: "after" });
  const decoded = decodeJsonCursor(cursor);
  if (!decoded.ok) throw bad();
  const parts = decoded.value;
  if (!Array.isArray(parts) || parts.length !== 3 || parts[0] !== "dep" || typeof parts[1] !== "string" || typeof parts[2] !== "string") throw bad();
  return { environment: parts[1], name: parts[2] };
}

export class KyselyDeploymentTx implements DeploymentTx {
  constructor(private readonly db: Kysely<DeploymentDatabase>) {}

  async ensureDeployment(name: string, environment: string, createdBy: string, at: Date): Promise<DeploymentRecord> {
    const existing = await this.getDeployment(name, environment);
    if (existing !== undefined) return existing;
    const row = { id: randomUUID(), name, environment, created_by: createdBy, created_at: iso(at) };
    // Race-free with concurrent writers (PostgreSQL replicas): the loser's insert does nothing (it
    // waits for the winner's commit on the unique index) and the select then reads the winner's row.
    await this.db
      .insertInto("deployments")
      .values(row)
      .onConflict((oc) => oc.columns(["name", "environment"]).doNothing())
      .execute();
    const stored = await this.getDeployment(name, environment);
    if (stored === undefined) throw new StoreError(`deployment ${name} in ${environment} is missing right after its insert`);
    return stored;
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

  async getRevisionByNumber(deploymentId: string, number: number): Promise<DeploymentRevisionRecord | undefined> {
    const row = await this.db
      .selectFrom("deployment_revisions")
      .selectAll()
      .where("deployment_id", "=", deploymentId)
      .where("number", "=", number)
      .executeTakeFirst();
    return row === undefined ? undefined : (await this.#withComponents([row]))[0];
  }

  async activate(a: Omit<DeploymentActivationRecord, "deactivatedAt">): Promise<DeploymentActivationRecord> {
    await this.db
      .updateTable("deployment_activations")
      .set({ open_key: null, deactivated_at: iso(a.activatedAt) })
      .where("deployment_id", "=", a.deploymentId)
      .where("open_key", "=", "open")
      .execute();
    const row = {
      id: a.id,
      deployment_id: a.deploymentId,
      revision_id: a.revisionId,
      request_id: a.requestId,
      open_key: "open",
      activated_at: iso(a.activatedAt),
      deactivated_at: null,
    };
    try {
      await this.db.insertInto("deployment_activations").values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError(`deployment ${a.deploymentId} was activated by another writer at the same time; retry`, { cause: err });
      }
      throw err;
    }
    return activationFrom(row);
  }

  async currentActivation(deploymentId: string): Promise<DeploymentActivationRecord | undefined> {
    const row = await this.db
      .selectFrom("deployment_activations")
      .selectAll()
      .where("deployment_id", "=", deploymentId)
      .where("open_key", "=", "open")
      .executeTakeFirst();
    return row === undefined ? undefined : activationFrom(row);
  }

  async listActivations(deploymentId: string, limit: number): Promise<DeploymentActivationRecord[]> {
    const rows = await this.db
      .selectFrom("deployment_activations")
      .selectAll()
      .where("deployment_id", "=", deploymentId)
      .orderBy("activated_at", "desc")
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map(activationFrom);
  }

  async activationsAt(environment: string, at?: Date): Promise<{ deployment: DeploymentRecord; activation: DeploymentActivationRecord }[]> {
    let q = this.db
      .selectFrom("deployment_activations as a")
      .innerJoin("deployments as d", "d.id", "a.deployment_id")
      .selectAll("a")
      .select(["d.name", "d.environment", "d.created_by", "d.created_at"])
      .where("d.environment", "=", environment);
    if (at === undefined) {
      q = q.where("a.open_key", "=", "open");
    } else {
      const t = iso(at);
      q = q.where("a.activated_at", "<=", t).where((eb) => eb.or([eb("a.deactivated_at", "is", null), eb("a.deactivated_at", ">", t)]));
    }
    const rows = await q.orderBy("d.name").orderBy("a.activated_at", "desc").execute();
    const seen = new Set<string>();
    const out: { deployment: DeploymentRecord; activation: DeploymentActivationRecord }[] = [];
    for (const r of rows) {
      // An activation and its successor can share a timestamp: the newer one is what ran at `at`.
      if (seen.has(r.deployment_id)) continue;
      seen.add(r.deployment_id);
      out.push({
        deployment: deploymentFrom({ id: r.deployment_id, name: r.name, environment: r.environment, created_by: r.created_by, created_at: r.created_at }),
        activation: activationFrom(r),
      });
    }
    return out;
  }

  async listComponentActivations(backendId: string, modelName: string): Promise<ComponentActivation[]> {
    const rows = await this.db
      .selectFrom("deployment_activations as a")
      .innerJoin("deployments as d", "d.id", "a.deployment_id")
      .innerJoin("deployment_revision_components as c", "c.revision_id", "a.revision_id")
      .select(["c.version", "c.shadow", "d.environment", "a.activated_at", "a.request_id", "a.id"])
      .where("c.backend_id", "=", backendId)
      .where("c.model_name", "=", modelName)
      .orderBy("a.activated_at")
      .orderBy("a.id")
      .orderBy("c.position")
      .execute();
    return rows.map((r) => ({ version: r.version, shadow: r.shadow === 1, environment: r.environment, activatedAt: new Date(r.activated_at), requestId: r.request_id }));
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
