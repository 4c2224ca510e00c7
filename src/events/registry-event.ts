/**
 * The registry's change events, as read from the audit trail.
 *
 * Every change made through the gateway appends an audit event in the same transaction as the
 * change, so the trail in seq order is the event log: a `RegistryEvent` is one audit event with a
 * closed `type` that says what kind of change it is, and the environment it concerns when there is
 * one. This module is pure: no I/O, no store, no clock.
 */
import { REGISTRY_EVENT_TYPES, type RegistryEventType } from "../core/registry-event-types.js";
import type { AuditEvent } from "../store/store.js";

export { REGISTRY_EVENT_TYPES, type RegistryEventType };

export interface RegistryEvent {
  /** The audit event's id (UUID): stable across deliveries, the key to deduplicate on. */
  id: string;
  /** The audit event's seq: gap-free, the delivery order, and the position to resume after. */
  seq: number;
  type: RegistryEventType;
  /** The audit action, e.g. "alias.set", "promotion.apply", "OUT_OF_BAND_CHANGE", "UNAPPROVED_IN_STAGE". */
  action: string;
  at: Date;
  actor: string;
  target: string;
  backendId?: string;
  modelName?: string;
  environment?: string;
  before: unknown;
  after: unknown;
  reason?: string;
}

export interface RegistryEventFilter {
  /** Only these types (any of them); absent or empty: every type. */
  types?: readonly RegistryEventType[];
  backendId?: string;
  modelName?: string;
  environment?: string;
}

const BY_ACTION: Readonly<Record<string, RegistryEventType>> = {
  "model_version.register": "VERSION_REGISTERED",
  "model.create": "VERSION_REGISTERED",
  "alias.set": "ALIAS_CHANGED",
  "alias.remove": "ALIAS_CHANGED",
  "promotion.demote": "STAGE_CHANGED",
  "promotion.request": "PROMOTION_UPDATED",
  "promotion.gate": "PROMOTION_UPDATED",
  "promotion.queue": "PROMOTION_UPDATED",
  "promotion.rollback": "PROMOTION_UPDATED",
  "promotion.approve": "APPROVAL",
  "promotion.reject": "APPROVAL",
  "eval.record": "EVIDENCE_RECORDED",
  "canary.record": "EVIDENCE_RECORDED",
  "shadow.record": "EVIDENCE_RECORDED",
  OUT_OF_BAND_CHANGE: "DRIFT",
  UNAPPROVED_IN_STAGE: "DRIFT",
  DRIFT_RESOLVED: "DRIFT",
  "idle.raise": "IDLE_IN_PRODUCTION",
  "idle.clear": "IDLE_IN_PRODUCTION",
  // Guarded rollouts (docs/lifecycle.md#guarded-rollouts): before the deployment.* default below.
  "deployment.rollout_start": "ROLLOUT_STEP",
  "deployment.rollout_step": "ROLLOUT_STEP",
  "deployment.rollout_complete": "ROLLOUT_STEP",
  "deployment.rollout_resume": "ROLLOUT_STEP",
  "deployment.rollout_pause": "ROLLOUT_PAUSED",
  "deployment.rollout_rolled_back": "ROLLOUT_ROLLED_BACK",
};

/** The closed type of an audit event. */
export function registryEventType(event: Pick<AuditEvent, "action" | "outcome">): RegistryEventType {
  if (event.action === "promotion.apply") return event.outcome === "SUCCESS" ? "STAGE_CHANGED" : "PROMOTION_UPDATED";
  const mapped = BY_ACTION[event.action];
  if (mapped !== undefined) return mapped;
  if (event.action.startsWith("deployment.")) return "DEPLOYMENT_CHANGED";
  return "OTHER";
}

function environmentField(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const env = (value as Record<string, unknown>)["environment"];
  return typeof env === "string" && env !== "" ? env : undefined;
}

/** `... -> STAGE (environment) [request id]`, as promotion events name their target. */
const PROMOTION_TARGET = /\(([^()\s]+)\) \[[^\]]*\]$/;
/** `name@environment` or `name@environment#revision`, as deployment events name their target. */
const DEPLOYMENT_TARGET = /^[^@]+@([^@#\s]+)(?:#\S*)?$/;

/**
 * The environment an audit event concerns: its after's (or before's) `environment` field, else the
 * one its target names (promotion requests and deployments name it there); undefined for events
 * that concern no environment (registrations, aliases, evals). Drift events carry theirs in `after`:
 * UNAPPROVED_IN_STAGE the environment of the stage the version was found in, OUT_OF_BAND_CHANGE the
 * environment of the request that set the stage the trail expects.
 */
export function eventEnvironment(event: Pick<AuditEvent, "action" | "targetType" | "target" | "before" | "after">): string | undefined {
  const fromBody = environmentField(event.after) ?? environmentField(event.before);
  if (fromBody !== undefined) return fromBody;
  if (event.targetType === "promotion_request") return PROMOTION_TARGET.exec(event.target)?.[1];
  if (event.action.startsWith("deployment.")) return DEPLOYMENT_TARGET.exec(event.target)?.[1];
  return undefined;
}

/** The registry event an audit event is. */
export function toRegistryEvent(event: AuditEvent): RegistryEvent {
  const environment = eventEnvironment(event);
  return {
    id: event.id,
    seq: event.seq,
    type: registryEventType(event),
    action: event.action,
    at: event.at,
    actor: event.actor,
    target: event.target,
    ...(event.backendId === undefined ? {} : { backendId: event.backendId }),
    ...(event.modelName === undefined ? {} : { modelName: event.modelName }),
    ...(environment === undefined ? {} : { environment }),
    before: event.before ?? null,
    after: event.after ?? null,
    ...(event.reason === undefined ? {} : { reason: event.reason }),
  };
}

/**
 * True when the event passes every criterion the filter sets (criteria left out match anything).
 * An event without a backend, model or environment does not match a filter that asks for one.
 */
export function matchesFilter(event: RegistryEvent, filter: RegistryEventFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (filter.types !== undefined && filter.types.length > 0 && !filter.types.includes(event.type)) return false;
  if (filter.backendId !== undefined && event.backendId !== filter.backendId) return false;
  if (filter.modelName !== undefined && event.modelName !== filter.modelName) return false;
  if (filter.environment !== undefined && event.environment !== filter.environment) return false;
  return true;
}
