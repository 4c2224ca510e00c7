/** The `backends[]` block of an MLflow backend in modelgate.yaml. */
import { z } from "zod";

/** MLflow alias names: letters, digits, '_' and '-'; `latest` and `v<N>` are reserved by MLflow. */
export const MLFLOW_ALIAS_RE = /^[A-Za-z0-9_-]{1,255}$/;

export function isReservedMlflowAlias(alias: string): boolean {
  return alias.toLowerCase() === "latest" || /^[vV]\d+$/.test(alias);
}

const aliasName = z
  .string()
  .regex(MLFLOW_ALIAS_RE, "MLflow alias names are 1-255 letters, digits, '_' or '-'")
  .refine((a) => !isReservedMlflowAlias(a), "'latest' and 'v<N>' are reserved alias names in MLflow");

const trackingUri = z
  .url({ protocol: /^https?$/, error: "trackingUri must be an http(s) URL of the MLflow server, e.g. http://mlflow:5000" })
  .refine((u) => {
    const parsed = new URL(u);
    return parsed.username === "" && parsed.password === "";
  }, "trackingUri must not carry credentials: put them in `auth` (basic or bearer), where they are never logged")
  .refine((u) => {
    const parsed = new URL(u);
    return parsed.search === "" && parsed.hash === "";
  }, "trackingUri must not have a query string or fragment")
  .transform((u) => u.replace(/\/+$/, ""));

const authSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("none") }),
  z.strictObject({
    type: z.literal("basic"),
    username: z.string().min(1, "auth.username must not be empty"),
    password: z.string().min(1, "auth.password must not be empty"),
  }),
  z.strictObject({ type: z.literal("bearer"), token: z.string().min(1, "auth.token must not be empty") }),
]);

export const DEFAULT_STAGE_ALIASES = { STAGING: "staging", SHADOW: "shadow", PRODUCTION: "production" } as const;

const stageAliasesSchema = z
  .strictObject({
    STAGING: aliasName.default(DEFAULT_STAGE_ALIASES.STAGING),
    SHADOW: aliasName.default(DEFAULT_STAGE_ALIASES.SHADOW),
    PRODUCTION: aliasName.default(DEFAULT_STAGE_ALIASES.PRODUCTION),
  })
  .refine((s) => new Set([s.STAGING, s.SHADOW, s.PRODUCTION]).size === 3, "stageAliases must name three different aliases");

export const mlflowConfigSchema = z.strictObject({
  /** Base URL of the MLflow tracking server (the REST API is under `/api/2.0/mlflow/`). */
  trackingUri,
  /** Credentials sent to MLflow; values may come from the environment via `${VAR}` in modelgate.yaml. */
  auth: authSchema.default({ type: "none" }),
  /** The alias that carries each aliased stage (NONE and ARCHIVED have none: they are version tags). */
  stageAliases: stageAliasesSchema.default({ ...DEFAULT_STAGE_ALIASES }),
  /** Page size asked of MLflow, and the largest page this backend serves. MLflow allows at most 1000. */
  pageSize: z.number().int().min(1).max(1000).default(100),
  /** Most MLflow HTTP requests in flight at once from this backend. */
  concurrency: z.number().int().min(1).max(64).default(8),
});

export type MlflowConfig = z.output<typeof mlflowConfigSchema>;
export type MlflowAuth = MlflowConfig["auth"];
export type StageAliases = MlflowConfig["stageAliases"];
