/**
 * usageReport (docs/lifecycle.md#usage-and-idle-alerts): a serving system reports how many requests
 * it served with a version in an environment over a window. The count is added to the SERVED usage
 * bucket of the hour the window ends in, under the reporting principal, with a `usage.report` audit
 * event in the same transaction (both or neither).
 */
import { InvalidInputError, NotFoundError, type CallContext } from "../../core/index.js";
import type { ModelgateConfig } from "../../config/schema.js";
import type { Catalog } from "../../catalog/catalog.js";
import type { Store } from "../../store/store.js";

export interface UsageReportInput {
  backend: string;
  model: string;
  version: string;
  environment: string;
  windowStart: Date;
  windowEnd: Date;
  /** Requests served with the version in the window (0 is a valid report: nothing served). */
  requests: number;
}

export interface UsageReportRecord extends UsageReportInput {
  reportedBy: string;
  /** The usage.report audit event. */
  auditEventId: string;
  at: Date;
}

/** Clocks of serving systems may run a little ahead. */
const FUTURE_SKEW_MS = 5 * 60_000;
/** One report covers at most this long (a longer window says little about when it was used). */
const MAX_WINDOW_MS = 31 * 24 * 3_600_000;

export class UsageReports {
  constructor(
    private readonly config: ModelgateConfig,
    private readonly catalog: Catalog,
    private readonly store: Store,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async report(input: UsageReportInput, ctx: CallContext): Promise<UsageReportRecord> {
    if (!(input.environment in this.config.environments)) {
      throw new NotFoundError(`unknown environment "${input.environment}"; configured: ${Object.keys(this.config.environments).join(", ")}`, { field: "environment" });
    }
    if (!(Number.isSafeInteger(input.requests) && input.requests >= 0)) {
      throw new InvalidInputError(`requests: must be a whole number >= 0, got ${input.requests}`, { field: "requests" });
    }
    const start = input.windowStart.getTime();
    const end = input.windowEnd.getTime();
    if (!(end > start)) throw new InvalidInputError("windowEnd: must be after windowStart", { field: "windowEnd" });
    if (end - start > MAX_WINDOW_MS) throw new InvalidInputError("windowStart: a report covers at most 31 days; send one per window", { field: "windowStart" });
    const now = this.clock();
    if (end > now.getTime() + FUTURE_SKEW_MS) throw new InvalidInputError(`windowEnd: ${input.windowEnd.toISOString()} is in the future`, { field: "windowEnd" });
    // The version must exist (a typo would count usage nobody ever reads).
    await this.catalog.backend(input.backend).getVersion(input.model, input.version, ctx);
    const reportedBy = ctx.actor.id;
    const event = await this.store.transaction(async (tx) => {
      await tx.lifecycle.addUsage([
        {
          backendId: input.backend,
          modelName: input.model,
          version: input.version,
          environment: input.environment,
          caller: reportedBy,
          source: "SERVED",
          count: input.requests,
          at: input.windowEnd,
        },
      ]);
      return tx.appendAudit({
        actor: reportedBy,
        ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
        action: "usage.report",
        targetType: "model_version",
        target: `${input.backend}/${input.model}@${input.version}`,
        backendId: input.backend,
        modelName: input.model,
        after: {
          environment: input.environment,
          version: input.version,
          windowStart: input.windowStart.toISOString(),
          windowEnd: input.windowEnd.toISOString(),
          requests: input.requests,
        },
        outcome: "SUCCESS",
      });
    });
    return { ...input, reportedBy, auditEventId: event.id, at: event.at };
  }
}
