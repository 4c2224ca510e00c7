/**
 * The outbox's apply of a cross-registry copy (./version-copy.ts), step by step, each step saved
 * before the next so a gateway that stops midway resumes where it stopped:
 *
 * 1. read the source version (and its model, for a model the copy creates);
 * 2. save `steps.copyRegistering` (and whether the target model exists yet), then register the
 *    version in the target (artifact URI, description, tags, params, metrics, lineage, generation
 *    config) marked with the request id (`copyRequestId`, kept by the adapter in its own namespace),
 *    and save `steps.copiedVersion` at once;
 * 3. read the registered version back: its artifact URI must be the source's, and it must carry
 *    the marker;
 * 4. when the copy lands in a stage, set it (carrying the request's approval) and save `targetSet`.
 *
 * The window between the register call and the save of its answer: a gateway that crashed, lost
 * its lease or lost the answer there finds `copyRegistering` without `copiedVersion` on resume. It
 * then looks in the target model for the version carrying the marker and adopts it; only when none
 * is there (or the model is missing) does it register again. So the target gets one copy.
 *
 * A failure after step 2 is undone by removing the registered (or adopted) version, found by its
 * marker when its number was never saved (`deleteVersion`); the success transaction records the
 * COPIED_FROM link (version_links) with the apply's audit events. A model the copy created stays,
 * empty: the adapter contract removes no models (MLflow's delete takes every version registered
 * into the model meanwhile with it); the failure says so.
 */
import { randomUUID } from "node:crypto";
import { describeError, isRegistryError, type CallContext, type ModelVersion, type Page, type RegisterVersionInput, type WriteApproval } from "../../core/index.js";
import type { Catalog } from "../../catalog/catalog.js";
import type { AuditEventInput, StoreTx } from "../../store/store.js";
import type { OutboxSteps, PromotionRequestRecord } from "../../store/workflow-store.js";

/** Versions read per page while looking for a copy's marker (capped by the backend's own page size). */
const MARKER_PAGE_SIZE = 100;


/** Runs one backend call under the outbox row's lease (the worker's `#call`). */
export type LeasedCall = <T>(fn: (ctx: CallContext) => Promise<T>) => Promise<T>;

/** A step failed in a way retrying the same step cannot fix. */
export class CopyStepError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

export function copyTargetOf(req: Pick<PromotionRequestRecord, "copyTarget">): { backendId: string; modelName: string } {
  const t = req.copyTarget ?? "";
  const slash = t.indexOf("/");
  return { backendId: t.slice(0, slash), modelName: t.slice(slash + 1) };
}

/** What a copy registers: the source version's content, under the target model's name. */
export function registerInputOf(source: ModelVersion, targetModel: string, modelDescription: string | undefined): RegisterVersionInput {
  const nonEmpty = <T extends object>(o: T): T | undefined => (Object.keys(o).length === 0 ? undefined : o);
  const tags = nonEmpty(source.tags);
  const params = nonEmpty(source.params);
  const metrics = nonEmpty(source.metrics);
  const lineage = nonEmpty(source.lineage);
  return {
    modelName: targetModel,
    ...(source.artifactUri === undefined ? {} : { artifactUri: source.artifactUri }),
    ...(source.description === undefined || source.description === "" ? {} : { description: source.description }),
    ...(tags === undefined ? {} : { tags }),
    ...(params === undefined ? {} : { params }),
    ...(metrics === undefined ? {} : { metrics }),
    ...(lineage === undefined ? {} : { lineage }),
    ...(source.generationConfig === undefined ? {} : { generationConfig: source.generationConfig }),
    createModel: true,
    ...(modelDescription === undefined || modelDescription === "" ? {} : { modelDescription }),
  };
}

export class CopyApply {
  readonly #target: { backendId: string; modelName: string };

  constructor(
    private readonly catalog: Catalog,
    private readonly req: PromotionRequestRecord,
    private readonly reason: string,
  ) {
    this.#target = copyTargetOf(req);
  }

  get target(): string {
    return `${this.#target.backendId}/${this.#target.modelName}`;
  }

  /** Runs the steps not yet done; `save` persists `steps` (under the lease). */
  async run(steps: OutboxSteps, call: LeasedCall, save: () => Promise<void>, approval: WriteApproval | undefined): Promise<void> {
    const req = this.req;
    const target = this.catalog.backend(this.#target.backendId);
    const source = this.catalog.backend(req.backendId);
    const from = await call((ctx) => source.getVersion(req.modelName, req.version, ctx));
    if ((steps.copiedVersion ?? null) === null) {
      // A register call was made before and its answer never saved: it may have landed.
      const landed = steps.copyRegistering === true ? await this.#findMarked(call) : undefined;
      if (landed !== undefined) {
        steps.copiedVersion = landed;
      } else {
        const model = await call((ctx) => source.getModel(req.modelName, ctx));
        const input: RegisterVersionInput = { ...registerInputOf(from, this.#target.modelName, model.description), copyRequestId: req.id };
        if (steps.copyRegistering !== true) {
          steps.copyCreatedModel = !(await this.#targetModelExists(call));
          steps.copyRegistering = true;
          await save();
        }
        const created = await call((ctx) => target.registerVersion(input, ctx, { reason: `${this.reason} (copy of ${req.backendId}/${req.modelName}@${req.version})` }));
        steps.copiedVersion = created.version;
      }
      await save();
    }
    const copied = steps.copiedVersion!;
    const back = await call((ctx) => target.getVersion(this.#target.modelName, copied, ctx));
    if ((back.artifactUri ?? null) !== (from.artifactUri ?? null)) {
      throw new CopyStepError(
        `${this.target}@${copied} reads back with artifact ${back.artifactUri ?? "(none)"}, not the source's ${from.artifactUri ?? "(none)"}`,
        false,
      );
    }
    // Rows saved before copies were marked have no copyRegistering: their versions carry no marker.
    if (steps.copyRegistering === true && back.copyRequestId !== req.id) {
      throw new CopyStepError(
        `${this.target}@${copied} reads back without the copy's marker (request ${req.id}): backend "${this.#target.backendId}" (${target.info.kind}) does not keep RegisterVersionInput.copyRequestId, so a copy interrupted after registering could not find its version and would register it twice`,
        false,
      );
    }
    if (req.toStage !== "NONE" && !steps.targetSet) {
      await call((ctx) => target.setStage(this.#target.modelName, copied, req.toStage, ctx, { reason: this.reason, ...(approval === undefined ? {} : { approval }) }));
      const staged = await call((ctx) => target.getVersion(this.#target.modelName, copied, ctx));
      if (staged.stage !== req.toStage) throw new CopyStepError(`${this.target}@${copied} reads back as ${staged.stage} after being set to ${req.toStage}`, true);
      steps.targetSet = true;
      await save();
    }
  }

  /**
   * Removes the registered (or adopted) version, found by its marker when its number was never
   * saved; returns what was undone (or could not be). `ends` tells errors that end the work on the row.
   */
  async undo(steps: OutboxSteps, call: LeasedCall, ends: (err: unknown) => boolean): Promise<string[]> {
    let copied = steps.copiedVersion ?? null;
    if (copied === null && steps.copyRegistering === true) {
      try {
        copied = (await this.#findMarked(call)) ?? null;
      } catch (err) {
        if (ends(err)) throw err;
        return [`COULD NOT look in ${this.target} for a version the copy may have registered: ${describeError(err)}; remove any version marked with request ${this.req.id} by hand`];
      }
    }
    if (copied === null) return [];
    const target = this.catalog.backend(this.#target.backendId);
    const notes: string[] = [];
    try {
      await call((ctx) => target.deleteVersion!(this.#target.modelName, copied, ctx, { reason: `${this.reason} (undo after failure)` }));
      notes.push(`removed ${this.target}@${copied}`);
    } catch (err) {
      if (ends(err)) throw err;
      if (isRegistryError(err) && err.code === "NOT_FOUND") return [`${this.target}@${copied} was already gone`];
      return [`COULD NOT remove ${this.target}@${copied}: ${describeError(err)}; remove it by hand`];
    }
    if (steps.copyCreatedModel === true) {
      try {
        const left = await call((ctx) => target.listVersions(this.#target.modelName, { first: 1 }, ctx));
        if (left.items.length === 0) notes.push(`left the model ${this.target}, which the copy created, without versions (the gateway removes no models)`);
      } catch (err) {
        if (ends(err)) throw err;
        // NOT_FOUND: the model went with its only version (Vertex AI); anything else: nothing more to say.
      }
    }
    return notes;
  }

  /** Whether the target model exists yet. */
  async #targetModelExists(call: LeasedCall): Promise<boolean> {
    const target = this.catalog.backend(this.#target.backendId);
    try {
      await call((ctx) => target.getModel(this.#target.modelName, ctx));
      return true;
    } catch (err) {
      if (isRegistryError(err) && err.code === "NOT_FOUND") return false;
      throw err;
    }
  }

  /** The version of the target model marked with this request's id (a register whose answer was never saved), if any. */
  async #findMarked(call: LeasedCall): Promise<string | undefined> {
    const target = this.catalog.backend(this.#target.backendId);
    const first = Math.max(1, Math.min(MARKER_PAGE_SIZE, target.capabilities().maxPageSize));
    let after: string | undefined;
    do {
      let page: Page<ModelVersion>;
      try {
        page = await call((ctx) => target.listVersions(this.#target.modelName, { first, ...(after === undefined ? {} : { after }) }, ctx));
      } catch (err) {
        // No model: the register call never created it, so it registered nothing.
        if (isRegistryError(err) && err.code === "NOT_FOUND") return undefined;
        throw err;
      }
      const marked = page.items.find((v) => v.copyRequestId === this.req.id);
      if (marked !== undefined) return marked.version;
      after = page.nextCursor;
    } while (after !== undefined);
    return undefined;
  }

  /** In the success transaction: the COPIED_FROM link and the new version's registration event. */
  async record(tx: StoreTx, steps: OutboxSteps, now: Date, event: (e: Omit<AuditEventInput, "actor">) => AuditEventInput): Promise<void> {
    const req = this.req;
    const copied = steps.copiedVersion!;
    await tx.lifecycle.insertVersionLink({
      id: randomUUID(),
      kind: "COPIED_FROM",
      backendId: this.#target.backendId,
      modelName: this.#target.modelName,
      version: copied,
      fromBackendId: req.backendId,
      fromModelName: req.modelName,
      fromVersion: req.version,
      requestId: req.id,
      createdAt: now,
    });
    await tx.appendAudit(
      event({
        action: "model_version.register",
        targetType: "model_version",
        target: `${this.target}@${copied}`,
        backendId: this.#target.backendId,
        modelName: this.#target.modelName,
        reason: req.reason,
        before: null,
        after: { copiedFrom: `${req.backendId}/${req.modelName}@${req.version}`, stage: req.toStage, requestId: req.id },
        outcome: "SUCCESS",
      }),
    );
  }
}
