/** The closed set of registry event types (the kinds of change the audit trail records). */
export const REGISTRY_EVENT_TYPES = [
  "VERSION_REGISTERED",
  "ALIAS_CHANGED",
  "STAGE_CHANGED",
  "PROMOTION_UPDATED",
  "APPROVAL",
  "EVIDENCE_RECORDED",
  "DEPLOYMENT_CHANGED",
  "DRIFT",
  "OTHER",
  "IDLE_IN_PRODUCTION",
  "ROLLOUT_STEP",
  "ROLLOUT_PAUSED",
  "ROLLOUT_ROLLED_BACK",
] as const;

export type RegistryEventType = (typeof REGISTRY_EVENT_TYPES)[number];
