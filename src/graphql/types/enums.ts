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

export const SelectedByEnum = { ALIAS: "ALIAS", STAGE: "STAGE" } as const;
registerEnumType(SelectedByEnum, {
  name: "SelectedBy",
  description: "How resolve chose the version: an alias named after the environment, or the newest version in the environment's stage.",
});

export const AuditOutcomeEnum = { SUCCESS: "SUCCESS", FAILURE: "FAILURE" } as const;
registerEnumType(AuditOutcomeEnum, { name: "AuditOutcome" });

export const SortOrderEnum = { ASC: "ASC", DESC: "DESC" } as const;
registerEnumType(SortOrderEnum, { name: "SortOrder" });
