/**
 * What the client's typed helpers return. Dates are ISO 8601 strings as sent; tag, metric and
 * alias lists are turned into plain records.
 */
import type { GraphQLErrorEntry } from "./errors.js";

export type Stage = "NONE" | "STAGING" | "SHADOW" | "PRODUCTION" | "ARCHIVED";
export type HealthState = "UP" | "DEGRADED" | "DOWN";
export type CircuitState = "CLOSED" | "OPEN" | "HALF_OPEN" | "ISOLATED";

export interface Backend {
  id: string;
  backendId: string;
  kind: string;
  health: { state: HealthState; latencyMs: number; message: string | null; circuit: CircuitState; checkedAt: string };
  capabilities: {
    asOf: boolean;
    generationConfigs: boolean;
    prompts: boolean;
    aliases: boolean;
    writes: boolean;
    maxPageSize: number;
  };
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Model {
  /** Opaque global id. */
  id: string;
  name: string;
  backendId: string;
  description: string | null;
  latestVersion: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  tags: Record<string, string>;
  /** alias -> version */
  aliases: Record<string, string>;
}

/** A backend that failed while the others answered: its models are missing from the page. */
export interface BackendFailure {
  backendId: string;
  code: string;
  message: string;
}

export interface ModelPage {
  models: Model[];
  pageInfo: PageInfo;
  failedBackends: BackendFailure[];
  /** The response's GraphQL errors (one per failed backend); empty when every backend answered. */
  errors: GraphQLErrorEntry[];
}

export interface GenerationConfig {
  model: string;
  promptRef: string | null;
  toolsRef: string | null;
  params: Record<string, unknown>;
  eval: { suite: string; score: number; run: string | null; artifactUri: string | null } | null;
  approvedBy: string | null;
}

export interface Lineage {
  runId: string | null;
  runLink: string | null;
  codeCommit: string | null;
  datasetHash: string | null;
  parentModel: string | null;
}

export interface ModelVersion {
  id: string;
  backendId: string;
  modelName: string;
  version: string;
  stage: Stage;
  nativeStage: string | null;
  /** "backend/name@version". */
  registryVersion: string;
  serving: boolean;
  artifactUri: string | null;
  description: string | null;
  aliases: string[];
  tags: Record<string, string>;
  metrics: Record<string, number>;
  params: Record<string, unknown>;
  lineage: Lineage;
  generationConfig: GenerationConfig | null;
  createdAt: string | null;
  updatedAt: string | null;
  createdBy: string | null;
}

export interface VersionPage {
  versions: ModelVersion[];
  pageInfo: PageInfo;
}

/** The body of GET /v1/resolve/{name}?env=ENV. */
export interface ResolvedEntry {
  name: string;
  environment: string;
  backend: string;
  version: string;
  stage: Stage;
  /** "backend/name@version": log it with every call the application makes. */
  registryVersion: string;
  selectedBy: "ALIAS" | "STAGE";
  artifactUri: string | null;
  generationConfig: {
    model: string;
    promptRef?: string;
    toolsRef?: string;
    params: Record<string, unknown>;
    eval?: { suite: string; score: number; run?: string; artifactUri?: string };
    approvedBy?: string;
  } | null;
  prompt: { name: string; version: string; template: string } | null;
  tools: { name: string; version: string; tools: unknown } | null;
  params: Record<string, unknown>;
  lineage: Record<string, string | undefined>;
  etag: string;
}

export interface ResolveResult {
  entry: ResolvedEntry;
  /** Strong ETag (quoted), as sent in the ETag header. */
  etag: string;
  /** True when the gateway answered 304 and `entry` is the cached copy. */
  notModified: boolean;
}

export interface RegisterVersionInput {
  backend: string;
  model: string;
  artifactUri?: string;
  description?: string;
  tags?: Record<string, string>;
  params?: Record<string, unknown>;
  metrics?: Record<string, number>;
  lineage?: Partial<Record<keyof Lineage, string>>;
  generationConfig?: {
    model: string;
    promptRef?: string;
    toolsRef?: string;
    params?: Record<string, unknown>;
    eval?: { suite: string; score: number; run?: string; artifactUri?: string };
  };
  /** Create the model when it does not exist (default true). */
  createModel?: boolean;
  /** Why: recorded in the audit trail. */
  reason?: string;
}

export interface SetAliasInput {
  backend: string;
  model: string;
  alias: string;
  version: string;
  reason?: string;
}

export interface SetAliasResult {
  modelVersion: ModelVersion;
  /** The version the alias pointed to before, or null when it is new. */
  previousVersion: string | null;
}

export interface RemoveAliasInput {
  backend: string;
  model: string;
  alias: string;
  reason?: string;
}

export interface RemoveAliasResult {
  model: Model;
  /** The version the alias pointed to. */
  removedFromVersion: string | null;
}
