/**
 * Writes that move a version into a stage never bypass the promotion workflow. Through the facade
 * that is: `transition-stage`, setting the `modelgate.stage` tag, and setting an alias that stands
 * for a stage (an environment's name, or a backend's stage alias such as MLflow's `production`).
 *
 * Each opens a promotion request (src/workflow/promotion-service.ts) with the policy in force:
 * - gates all pass at once (a policy with no approvals): the outbox applies it; the answer waits
 *   for the apply (up to `mlflowFacade.applyWaitMs`) and returns the version as it now reads;
 * - gates unmet: the answer is PERMISSION_DENIED naming the request and `modelgate approve <id>`.
 *
 * A version the backend already holds in a governed stage that the trail never approved it into (put
 * there in MLflow's UI, or before the gateway ran: UNAPPROVED_IN_STAGE drift) is not "already done":
 * the move opens a request that ratifies it through the same gates. One the trail approved answers
 * at once, as MLflow answers a transition to the stage a version is in.
 *
 * MLflow's client retries 5xx answers, so a retry must not open a second request: a request already
 * open in the slot for the same version and stage is taken as this call's own. A wait that runs out
 * answers TEMPORARILY_UNAVAILABLE (503): the client's own retry then waits again.
 */
import { ConflictError, type ModelVersion, type Stage } from "../../core/index.js";
import { slotKey } from "../../workflow/promotion-service.js";
import type { PromotionRequestRecord } from "../../store/workflow-store.js";
import { MlflowApiError } from "./errors.js";
import type { RegistryView } from "./view.js";
import { mlflowStageOf } from "./wire.js";
import { toGlobalId } from "../../graphql/global-id.js";
import { readTrail } from "../../workflow/trail-reader.js";
import { approvedInto, governedStages } from "../../workflow/trail-stages.js";

/** A request as the CLI and the GraphQL API take it (`modelgate approve <id>`). */
export function requestRef(r: Pick<PromotionRequestRecord, "id">): string {
  return toGlobalId("PromotionRequest", r.id);
}

const WAIT_POLL_MS = 100;
/** Time kept back from the request's deadline to answer after the wait. */
const ANSWER_MARGIN_MS = 1_000;

export interface StageTarget {
  stage: Stage;
  environment: string;
}

/** How a stage reads in messages: MLflow's name where it has one ("Production"), else the gateway's. */
function stageName(stage: Stage): string {
  return stage === "SHADOW" ? "SHADOW" : mlflowStageOf(stage);
}

export class Governance {
  constructor(private readonly applyWaitMs: number) {}

  /**
   * The environment a promotion to `stage` is made in: `hint` when it is one, else the first
   * environment of that stage; SHADOW mirrors production traffic, so production's; ARCHIVED and NONE
   * take a version out of the environment whose stage it is in now.
   */
  environmentFor(view: RegistryView, stage: Stage, current: Stage, hint?: string): string {
    const envs = Object.entries(view.environments);
    if (hint !== undefined && view.environments[hint] !== undefined) return hint;
    const of = (s: Stage) => envs.find(([, spec]) => spec.stage === s)?.[0];
    const found = of(stage) ?? (stage === "SHADOW" ? of("PRODUCTION") : undefined) ?? of(current) ?? of("PRODUCTION") ?? envs[0]?.[0];
    if (found === undefined) throw new MlflowApiError("INVALID_STATE", "no environment is configured: a stage change needs one (environments in modelgate.yaml)");
    return found;
  }

  /** The stage an alias stands for on this backend, or undefined for a plain alias. */
  stageOfAlias(view: RegistryView, alias: string): { stage: Stage; environmentHint?: string } | undefined {
    const stageAliases = view.adapter.capabilities().stageAliases ?? {};
    for (const [stage, name] of Object.entries(stageAliases) as [Stage, string][]) {
      if (name === alias) return { stage, ...(view.environments[alias] === undefined ? {} : { environmentHint: alias }) };
    }
    const env = view.environments[alias];
    return env === undefined ? undefined : { stage: env.stage, environmentHint: alias };
  }

  /**
   * Moves a version into `stage` through the workflow; resolves to the version as it reads once
   * applied (at once when it already is in that stage), or throws the MLflow error that says why not yet.
   */
  async move(view: RegistryView, name: string, version: string, stage: Stage, what: string, environmentHint?: string): Promise<ModelVersion> {
    const current = await view.version(name, version);
    if (current.stage === stage && (await this.#vouchedFor(view, name, version, stage))) return current;
    const environment = this.environmentFor(view, stage, current.stage, environmentHint);
    const request = await this.#open(view, name, version, stage, environment, what);
    return this.#settle(view, request, name, version, current.stage === stage);
  }

  /** Whether the trail stands behind `version` being in `stage` (always, for a stage no environment governs). */
  async #vouchedFor(view: RegistryView, name: string, version: string, stage: Stage): Promise<boolean> {
    if (!governedStages(view.environments).has(stage)) return true;
    const { replay } = await readTrail(view.services.store, view.environments, view.backendId, name);
    return approvedInto(replay, version, stage);
  }

  async #open(view: RegistryView, name: string, version: string, stage: Stage, environment: string, what: string): Promise<PromotionRequestRecord> {
    const { promotions, store } = view.services;
    try {
      const { request } = await promotions.request(
        { backend: view.backendId, model: name, version, toStage: stage, environment, reason: `MLflow client (${view.call.actor.id}): ${what}` },
        view.call,
      );
      return request;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // A retry of this same call (MLflow's client repeats 5xx answers), or another request in the slot.
      const open = await store.workflow.findOpen(slotKey(view.backendId, name, environment));
      if (open !== undefined && open.version === version && open.toStage === stage) return open;
      throw new MlflowApiError(
        "RESOURCE_CONFLICT",
        open === undefined
          ? err.message
          : `${name} in ${environment} already has an open promotion request ${requestRef(open)} (version ${open.version} to ${open.toStage}, ${open.status}): ` +
            `approve or reject it first (modelgate approve ${requestRef(open)} / modelgate reject ${requestRef(open)})`,
      );
    }
  }

  async #settle(view: RegistryView, request: PromotionRequestRecord, name: string, version: string, ratifies: boolean): Promise<ModelVersion> {
    const target = ratifies
      ? `version ${version} of "${name}" to ${stageName(request.toStage)} (it is there already, put there outside the gateway: the request ratifies it)`
      : `version ${version} of "${name}" to ${stageName(request.toStage)}`;
    let r = request;
    if (r.status === "PENDING") throw await this.#pending(view, r, target);
    if (r.status === "APPLYING") r = await this.#waitForApply(view, r);
    switch (r.status) {
      case "APPLIED":
        return view.version(name, version);
      case "APPLYING":
        throw new MlflowApiError(
          "TEMPORARILY_UNAVAILABLE",
          `moving ${target} was approved (promotion request ${requestRef(r)}) and is being applied; retry to read the result`,
        );
      case "PENDING":
        throw await this.#pending(view, r, target);
      default:
        throw new MlflowApiError("ABORTED", `moving ${target} did not happen: promotion request ${requestRef(r)} is ${r.status}${r.failure ? `: ${r.failure}` : ""}`);
    }
  }

  async #pending(view: RegistryView, r: PromotionRequestRecord, target: string): Promise<MlflowApiError> {
    const gates = await view.services.store.workflow.listGateResults(r.id);
    const unmet = gates.filter((g) => !g.passed).map((g) => `${g.gate.toLowerCase()}: ${g.detail}`);
    return new MlflowApiError(
      "PERMISSION_DENIED",
      `moving ${target} in environment ${r.environment} needs approval: modelgate opened promotion request ${requestRef(r)}` +
        `${unmet.length > 0 ? ` (waiting for ${unmet.join("; ")})` : ""}. ` +
        `An approver runs \`modelgate approve ${requestRef(r)}\` (or \`modelgate reject ${requestRef(r)}\`); once every gate passes the change is applied and reads back here.`,
    );
  }

  /** Waits (store wake-ups, and a short poll) until the request leaves APPLYING or the wait runs out. */
  async #waitForApply(view: RegistryView, request: PromotionRequestRecord): Promise<PromotionRequestRecord> {
    const { store } = view.services;
    const budget = Math.min(this.applyWaitMs, view.call.deadline - Date.now() - ANSWER_MARGIN_MS);
    const until = Date.now() + Math.max(0, budget);
    let wake: (() => void) | undefined;
    const unwatch = store.onAuditAppended(() => wake?.());
    try {
      let r = request;
      while (r.status === "APPLYING" && Date.now() < until && !view.call.signal.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(WAIT_POLL_MS, Math.max(0, until - Date.now())));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
        r = (await store.workflow.getRequest(r.id)) ?? r;
      }
      return r;
    } finally {
      unwatch();
    }
  }
}
