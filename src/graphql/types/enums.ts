import { registerEnumType } from "type-graphql";

export const StageEnum = { NONE: "NONE", STAGING: "STAGING", SHADOW: "SHADOW", PRODUCTION: "PRODUCTION", ARCHIVED: "ARCHIVED" } as const;
registerEnumType(StageEnum, {
  name: "Stage",
  description: "Lifecycle stage. SHADOW receives mirrored traffic only and is never reported as serving.",
});

export const HealthStateEnum = { UP: "UP", DEGRADED: "DEGRADED", DOWN: "DOWN" } as const;
registerEnumType(HealthStateEnum, { name: "HealthState" });

export const CircuitStateEnum = { CLOSED: "CLOSED", OPEN: "OPEN", HALF_OPEN: "HALF_OPEN", ISOLATED: "ISOLATED" } as const;
registerEnumType(CircuitStateEnum, { name: "CircuitState", description: "State of the gateway's circuit breaker for a backend." });

export const UserErrorCodeEnum = {
  NOT_FOUND: "NOT_FOUND",
  ALREADY_EXISTS: "ALREADY_EXISTS",
  INVALID_INPUT: "INVALID_INPUT",
  CONFLICT: "CONFLICT",
  FORBIDDEN: "FORBIDDEN",
  UNSUPPORTED: "UNSUPPORTED",
} as const;
registerEnumType(UserErrorCodeEnum, { name: "UserErrorCode" });

export const SelectedByEnum = { ALIAS: "ALIAS", STAGE: "STAGE", TRAIL: "TRAIL" } as const;
registerEnumType(SelectedByEnum, {
  name: "SelectedBy",
  description:
    "How resolve chose the version: an alias named after the environment, the newest version in the environment's stage, or the promotion trail (the environment's resolveFrom is trail: the version it last approved into the stage).",
});

export const ResolveSourceEnum = { BACKEND: "BACKEND", TRAIL: "TRAIL" } as const;
registerEnumType(ResolveSourceEnum, {
  name: "ResolveSource",
  description: "Where resolve takes the version from when the backend and the promotion trail disagree: the environment's resolveFrom in modelgate.yaml.",
});

export const DriftKindEnum = { OUT_OF_BAND_CHANGE: "OUT_OF_BAND_CHANGE", UNAPPROVED_IN_STAGE: "UNAPPROVED_IN_STAGE" } as const;
registerEnumType(DriftKindEnum, {
  name: "DriftKind",
  description: "Which way a backend disagrees with the promotion trail.",
  valuesConfig: {
    OUT_OF_BAND_CHANGE: { description: "A version the trail tracks is not in the stage the trail put it in (moved, or gone)." },
    UNAPPROVED_IN_STAGE: { description: "A version is in a governed stage (an environment's stage) the trail never approved it into." },
  },
});

export const AuditOutcomeEnum = { SUCCESS: "SUCCESS", FAILURE: "FAILURE" } as const;
registerEnumType(AuditOutcomeEnum, { name: "AuditOutcome" });

export const SortOrderEnum = { ASC: "ASC", DESC: "DESC" } as const;
registerEnumType(SortOrderEnum, { name: "SortOrder" });
