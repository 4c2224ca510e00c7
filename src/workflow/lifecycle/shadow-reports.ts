/**
 * Shadow reports (docs/lifecycle.md#shadow-evidence): a serving system that mirrors traffic to a
 * shadow version reports what it did against the primary over a window. Each report is stored as its
 * own evidence, with a `shadow.record` audit event in the same transaction, and re-evaluates the
 * version's pending requests in that environment (the SHADOW gate, ../shadow-gate.ts).
 */
import { randomUUID } from "node:crypto";
import { InvalidInputError, NotFoundError, type CallContext } from "../../core/index.js";
import type { ModelgateConfig } from "../../config/schema.js";
import type { Catalog } from "../../catalog/catalog.js";
import type { ShadowReportRecord } from "../../store/lifecycle-store.js";
import type { Store } from "../../store/store.js";
import type { PromotionService } from "../promotion-service.js";
import { shadowReportEvidence } from "../shadow-gate.js";

export interface ShadowReportInput {
  backend: string;
  model: string;
  version: string;
  environment: string;
  primaryVersion?: string;
  windowStart: Date;
  windowEnd: Date;
  requests: number;
  agreementRate: number;
  latencyP50Ms?: number;
  latencyP95Ms?: number;
  errorRate: number;
  evidence?: string;
  notes?: string;
}

function rate(value: number, field: string): void {
  if (!(Number.isFinite(value) && value >= 0 && value <= 1)) throw new InvalidInputError(`${field}: must be a share from 0 to 1, got ${value}`, { field });
}

function latency(value: number | undefined, field: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new InvalidInputError(`${field}: must be a number of milliseconds >= 0, got ${value}`, { field });
}

export class ShadowReports {
  constructor(
    private readonly config: ModelgateConfig,
    private readonly catalog: Catalog,
    private readonly store: Store,
    private readonly promotions: PromotionService,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async record(input: ShadowReportInput, ctx: CallContext): Promise<ShadowReportRecord> {
    if (!(input.environment in this.config.environments)) {
      throw new NotFoundError(`unknown environment "${input.environment}"; configured: ${Object.keys(this.config.environments).join(", ")}`, { field: "environment" });
    }
    if (!(Number.isInteger(input.requests) && input.requests >= 0)) throw new InvalidInputError(`requests: must be a whole number >= 0, got ${input.requests}`, { field: "requests" });
    rate(input.agreementRate, "agreementRate");
    rate(input.errorRate, "errorRate");
    latency(input.latencyP50Ms, "latencyP50Ms");
    latency(input.latencyP95Ms, "latencyP95Ms");
    if (input.latencyP50Ms !== undefined && input.latencyP95Ms !== undefined && input.latencyP95Ms < input.latencyP50Ms) {
      throw new InvalidInputError(`latencyP95Ms: ${input.latencyP95Ms} is below latencyP50Ms ${input.latencyP50Ms}`, { field: "latencyP95Ms" });
    }
    if (!(input.windowEnd.getTime() > input.windowStart.getTime())) {
      throw new InvalidInputError("windowEnd: must be after windowStart", { field: "windowEnd" });
    }
    const now = this.clock();
    if (input.windowEnd.getTime() > now.getTime() + 5 * 60_000) {
      throw new InvalidInputError(`windowEnd: ${input.windowEnd.toISOString()} is in the future`, { field: "windowEnd" });
    }
    const adapter = this.catalog.backend(input.backend);
    await adapter.getVersion(input.model, input.version, ctx);
    if (input.primaryVersion !== undefined) await adapter.getVersion(input.model, input.primaryVersion, ctx);
    const record: ShadowReportRecord = {
      id: randomUUID(),
      backendId: input.backend,
      modelName: input.model,
      version: input.version,
      environment: input.environment,
      primaryVersion: input.primaryVersion ?? null,
      windowStart: input.windowStart,
      windowEnd: input.windowEnd,
      requests: input.requests,
      agreementRate: input.agreementRate,
      latencyP50Ms: input.latencyP50Ms ?? null,
      latencyP95Ms: input.latencyP95Ms ?? null,
      errorRate: input.errorRate,
      evidence: input.evidence ?? null,
      notes: input.notes ?? null,
      recordedBy: ctx.actor.id,
      at: now,
    };
    await this.store.transaction(async (tx) => {
      await tx.lifecycle.insertShadowReport(record);
      await tx.appendAudit({
        actor: ctx.actor.id,
        ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
        action: "shadow.record",
        targetType: "model_version",
        target: `${record.backendId}/${record.modelName}@${record.version}`,
        backendId: record.backendId,
        modelName: record.modelName,
        after: { environment: record.environment, ...shadowReportEvidence(record), notes: record.notes },
        outcome: "SUCCESS",
      });
    });
    await this.promotions.reevaluate(input.backend, input.model, input.version, input.environment, ctx);
    return record;
  }

  list(backendId: string, modelName: string, version: string, environment?: string): Promise<ShadowReportRecord[]> {
    return this.store.lifecycle.listShadowReports(backendId, modelName, version, environment);
  }
}
