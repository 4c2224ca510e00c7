/**
 * ModelgateClient: a small, dependency-free client for a modelgate gateway.
 *
 * Error policy:
 * - `graphql()` throws a ModelgateError when there is no data (transport failure, HTTP error,
 *   validation error, or a non-null root field that failed). When the response carries data AND
 *   errors (a partial result: one backend failed while the others answered), it does not throw:
 *   it returns `{ data, errors }` and the caller decides.
 * - The typed query helpers throw when the part they return is missing (e.g. an unknown model is a
 *   ModelgateError with code NOT_FOUND); `models()` returns partial pages with `failedBackends`.
 * - The mutation helpers throw ModelgateUserError when the gateway answers with userErrors (nothing
 *   was changed), so a successful return always carries the changed object.
 * - `resolve()` keeps serving the last good answer while the gateway cannot answer: on a transport
 *   error, a timeout or an HTTP 5xx it returns the cached entry with `stale: true` and the error as
 *   `staleReason` (up to `maxStaleMs` after the gateway last confirmed it). A 4xx always throws.
 */
import { ModelgateError, ModelgateUserError, type GraphQLErrorEntry, type UserError } from "./errors.js";
import {
  ModelgateBackendsDocument,
  ModelgateDeploymentDocument,
  ModelgateDeploymentPromoteDocument,
  ModelgateDeploymentRevisionCreateDocument,
  ModelgateDeploymentRollbackDocument,
  ModelgateDeploymentsDocument,
  ModelgateLifecyclePlanApplyDocument,
  ModelgateLifecyclePlanDocument,
  ModelgateModelsDocument,
  ModelgatePromotionRequestDocument,
  ModelgateRegisterVersionDocument,
  ModelgateRemoveAliasDocument,
  ModelgateSetAliasDocument,
  ModelgateVersionsDocument,
  ModelgateWhatRunsInProductionDocument,
  ModelgateShadowReportDocument,
  ModelgateAliasMoveRequestDocument,
  type ComponentFieldsFragment,
  type DeploymentFieldsFragment,
  type ModelFieldsFragment,
  type RevisionFieldsFragment,
  type VersionFieldsFragment,
} from "./generated/graphql.js";
import { ResolveCache, type CachedEntry } from "./resolve-cache.js";
import { exchange, type FetchLike } from "./transport.js";
import type { TypedDocument } from "./typed-document.js";
import type {
  Backend,
  Deployment,
  DeploymentComponent,
  DeploymentDetail,
  DeploymentPage,
  DeploymentPromoteInput,
  DeploymentPromotionResult,
  DeploymentRevision,
  DeploymentRevisionCreateInput,
  DeploymentRevisionCreateResult,
  DeploymentRollbackInput,
  LifecyclePlan,
  LifecyclePlanApplyInput,
  LifecyclePlanApplyResult,
  LifecyclePlanFilter,
  Model,
  ModelPage,
  ModelVersion,
  RegisterVersionInput,
  RemoveAliasInput,
  ProductionState,
  PromotionRequest,
  RemoveAliasResult,
  Resolution,
  ResolveResult,
  SetAliasInput,
  SetAliasResult,
  Stage,
  VersionPage,
  ShadowReport,
  ShadowReportInput,
  AliasMoveRequestInput,
  AliasMoveRequestResult,
} from "./types.js";

export interface ModelgateClientOptions {
  /** Base URL of the gateway, e.g. http://127.0.0.1:4000 (a trailing "/graphql" is accepted). */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Per-request timeout, response body included. Default 30 000 ms. */
  timeoutMs?: number;
  /** A fetch implementation (default: the global fetch). */
  fetch?: FetchLike;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** How many resolve entries to keep for ETag revalidation (default 1000; 0 disables the cache). */
  resolveCacheSize?: number;
  /**
   * How long after the gateway last confirmed a resolve answer the client may still serve it
   * (marked `stale`) while the gateway cannot answer. Default: unlimited; 0: never serve stale.
   */
  maxStaleMs?: number;
}

export interface GraphQLResult<T> {
  data: T;
  /** Errors next to the data (partial result); empty when everything succeeded. */
  errors: GraphQLErrorEntry[];
}

export interface ModelsOptions {
  backend?: string;
  nameContains?: string;
  /** Every tag must match. */
  tags?: Record<string, string>;
  first?: number;
  after?: string;
  asOf?: Date | string;
}

export interface VersionsOptions {
  first?: number;
  after?: string;
  stage?: Stage;
  tags?: Record<string, string>;
  asOf?: Date | string;
}

export interface ResolveOptions {
  asOf?: Date | string;
  /** Overrides the client's `maxStaleMs` for this call. */
  maxStaleMs?: number;
}

export interface DeploymentsOptions {
  environment?: string;
  first?: number;
  after?: string;
}

export interface WhatRunsOptions {
  /** Default "production". */
  environment?: string;
  /** Answer from the trail as of this time. */
  asOf?: Date | string;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export class ModelgateClient {
  /** Normalized base URL, without a trailing slash. */
  readonly url: string;
  private readonly graphqlUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: FetchLike;
  private readonly headers: Record<string, string>;
  private readonly cache: ResolveCache | undefined;
  private readonly maxStaleMs: number;

  constructor(opts: ModelgateClientOptions) {
    this.url = normalizeBaseUrl(opts.url);
    this.graphqlUrl = `${this.url}/graphql`;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`ModelgateClient: timeoutMs must be a positive number of milliseconds, got ${String(opts.timeoutMs)}`);
    }
    this.timeoutMs = timeoutMs;
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
    this.headers = { ...opts.headers, ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) };
    const cacheSize = opts.resolveCacheSize ?? 1000;
    this.cache = cacheSize > 0 ? new ResolveCache(cacheSize) : undefined;
    this.maxStaleMs = checkMaxStale(opts.maxStaleMs ?? Number.POSITIVE_INFINITY);
  }

  /**
   * Runs a GraphQL operation. See the error policy at the top of this file. A typed document (see
   * TypedDocument; graphql-codegen's TypedDocumentString gives one with `.toString()`) brings its
   * result and variables types; with query text, name the result type: `graphql<{ ... }>(text)`.
   */
  async graphql<TResult = unknown, TVariables = Record<string, unknown>>(
    query: string | TypedDocument<TResult, TVariables>,
    variables?: TVariables,
  ): Promise<GraphQLResult<TResult>> {
    const { status, body } = await exchange(
      this.fetchImpl,
      this.graphqlUrl,
      {
        method: "POST",
        headers: { ...this.headers, "content-type": "application/json", accept: "application/graphql-response+json, application/json" },
        body: JSON.stringify(variables === undefined ? { query } : { query, variables }),
      },
      this.timeoutMs,
    );
    if (isObject(body) && ("data" in body || "errors" in body)) {
      const errors = Array.isArray(body.errors) ? (body.errors as GraphQLErrorEntry[]) : [];
      if (body.data === null || body.data === undefined) {
        if (errors.length === 0) throw new ModelgateError("BAD_RESPONSE", `the gateway at ${this.graphqlUrl} answered without data or errors`, { status, url: this.graphqlUrl });
        throw errorFromGraphQL(errors, status, this.graphqlUrl);
      }
      return { data: body.data as TResult, errors };
    }
    throw errorFromBody(body, status, this.graphqlUrl);
  }

  /** Every configured backend with its live health and capabilities. */
  async backends(): Promise<Backend[]> {
    const { data } = await this.graphql(ModelgateBackendsDocument);
    return data.backends;
  }

  /** One page of models, merged across backends (or from one). */
  async models(opts: ModelsOptions = {}): Promise<ModelPage> {
    const filter =
      opts.nameContains !== undefined || opts.tags !== undefined
        ? { ...(opts.nameContains === undefined ? {} : { nameContains: opts.nameContains }), ...(opts.tags ? { tags: toTagList(opts.tags) } : {}) }
        : undefined;
    const { data, errors } = await this.graphql(
      ModelgateModelsDocument,
      defined({ backend: opts.backend, filter, first: opts.first, after: opts.after, asOf: isoOf(opts.asOf) }),
    );
    return {
      models: data.models.nodes.map(toModel),
      pageInfo: data.models.pageInfo,
      failedBackends: data.models.failedBackends,
      errors,
    };
  }

  /** One page of a model's versions, in the backend's version order. An unknown model throws ModelgateError NOT_FOUND. */
  async versions(backend: string, model: string, opts: VersionsOptions = {}): Promise<VersionPage> {
    const filter =
      opts.stage !== undefined || opts.tags !== undefined
        ? { ...(opts.stage === undefined ? {} : { stage: opts.stage }), ...(opts.tags ? { tags: toTagList(opts.tags) } : {}) }
        : undefined;
    const { data, errors } = await this.graphql(
      ModelgateVersionsDocument,
      defined({ backend, model, first: opts.first, after: opts.after, filter, asOf: isoOf(opts.asOf) }),
    );
    if (!data.model) {
      if (errors.length > 0) throw errorFromGraphQL(errors, 200, this.graphqlUrl);
      throw new ModelgateError("NOT_FOUND", `no model "${model}" in backend "${backend}"`, { backend });
    }
    return { versions: data.model.versions.nodes.map(toVersion), pageInfo: data.model.versions.pageInfo };
  }

  /**
   * What an application in `environment` should run, via GET /v1/resolve/{name}: a model's entry
   * (`kind: "model"`) or a deployment's running bundle (`kind: "deployment"`). Sends If-None-Match
   * with the last ETag seen for the same (name, environment, asOf) and reuses the cached entry on
   * 304. When the gateway cannot answer (unreachable, timeout, HTTP 5xx) and an entry is cached, it
   * returns that entry with `stale: true` instead of throwing (see `maxStaleMs`); a 4xx (an unknown
   * name, a bad environment) always throws.
   */
  async resolve(name: string, environment: string, opts: ResolveOptions = {}): Promise<ResolveResult> {
    const asOf = isoOf(opts.asOf);
    const maxStaleMs = opts.maxStaleMs === undefined ? this.maxStaleMs : checkMaxStale(opts.maxStaleMs);
    const key = ResolveCache.key(name, environment, asOf);
    const cached = this.cache?.get(key);
    const query = new URLSearchParams({ env: environment, ...(asOf ? { asOf } : {}) });
    const url = `${this.url}/v1/resolve/${encodeURIComponent(name)}?${query}`;
    let answer: Awaited<ReturnType<typeof exchange>>;
    try {
      answer = await exchange(
        this.fetchImpl,
        url,
        { method: "GET", headers: { ...this.headers, accept: "application/json", ...(cached ? { "if-none-match": cached.etag } : {}) } },
        this.timeoutMs,
      );
    } catch (err) {
      // Transport errors, timeouts and 5xx bodies that are not JSON (a proxy's error page).
      const stale = this.staleOr(err, cached, maxStaleMs);
      if (stale) return stale;
      throw err;
    }
    const { status, headers, body } = answer;
    if (status === 304) {
      if (!cached) throw new ModelgateError("BAD_RESPONSE", `the gateway at ${url} answered 304 Not Modified to a request without If-None-Match`, { status, url });
      cached.fetchedAt = new Date();
      return { entry: cached.entry, etag: cached.etag, notModified: true, stale: false, fetchedAt: cached.fetchedAt };
    }
    if (status === 200 && isResolution(body)) {
      // A gateway from before deployments sends model entries without `kind`.
      const entry: Resolution = body.kind === undefined ? { ...(body as object), kind: "model" } as Resolution : body;
      const etag = headers.get("etag") ?? entry.etag;
      const fetchedAt = new Date();
      this.cache?.set(key, { etag, entry, fetchedAt });
      return { entry, etag, notModified: false, stale: false, fetchedAt };
    }
    if (status === 404) this.cache?.delete(key);
    const err = errorFromBody(body, status, url);
    const stale = this.staleOr(err, cached, maxStaleMs);
    if (stale) return stale;
    throw err;
  }

  /** The cached entry marked stale when `err` is one the last good answer may stand in for. */
  private staleOr(err: unknown, cached: CachedEntry | undefined, maxStaleMs: number): ResolveResult | undefined {
    if (!cached || !(err instanceof ModelgateError) || !servesStale(err)) return undefined;
    if (!(maxStaleMs > 0) || Date.now() - cached.fetchedAt.getTime() > maxStaleMs) return undefined;
    return { entry: cached.entry, etag: cached.etag, notModified: false, stale: true, staleReason: err, fetchedAt: cached.fetchedAt };
  }

  /** Registers a new version. Throws ModelgateUserError when the gateway refuses the input. */
  async registerVersion(input: RegisterVersionInput): Promise<ModelVersion> {
    const { tags, metrics, generationConfig, ...rest } = input;
    const variables = {
      input: {
        ...rest,
        ...(tags ? { tags: toTagList(tags) } : {}),
        ...(metrics ? { metrics: Object.entries(metrics).map(([key, value]) => ({ key, value })) } : {}),
        ...(generationConfig ? { generationConfig } : {}),
      },
    };
    const payload = await this.mutate(ModelgateRegisterVersionDocument, "modelVersionRegister", variables);
    return toVersion(required(payload.modelVersion, "modelVersionRegister.modelVersion"));
  }

  /** Points `alias` at `version`, moving it from any other version. Throws ModelgateUserError when refused. */
  async setAlias(input: SetAliasInput): Promise<SetAliasResult> {
    const payload = await this.mutate(ModelgateSetAliasDocument, "aliasSet", { input });
    return { modelVersion: toVersion(required(payload.modelVersion, "aliasSet.modelVersion")), previousVersion: payload.previousVersion };
  }

  /** Removes an alias. Throws ModelgateUserError when refused (e.g. NOT_FOUND when the alias does not exist). */
  async removeAlias(input: RemoveAliasInput): Promise<RemoveAliasResult> {
    const payload = await this.mutate(ModelgateRemoveAliasDocument, "aliasRemove", { input });
    return { model: toModel(required(payload.model, "aliasRemove.model")), removedFromVersion: payload.removedFromVersion };
  }

  /**
   * Records a new revision of a deployment (creating the deployment with its first revision). When
   * the components equal the latest revision's, nothing is recorded and that revision is returned
   * with `unchanged: true`. Throws ModelgateUserError when refused (naming the component field).
   */
  async deploymentRevisionCreate(input: DeploymentRevisionCreateInput): Promise<DeploymentRevisionCreateResult> {
    const payload = await this.mutate(
      ModelgateDeploymentRevisionCreateDocument,
      "deploymentRevisionCreate",
      { input: { ...input, components: input.components.map((c) => ({ ...c, shadow: c.shadow ?? false })) } },
    );
    return {
      deployment: required(payload.deployment, "deploymentRevisionCreate.deployment"),
      revision: toRevision(required(payload.revision, "deploymentRevisionCreate.revision")),
      unchanged: payload.unchanged,
    };
  }

  /** Asks to put a revision in its environment: one request through the environment's gates and approvals. */
  async deploymentPromote(input: DeploymentPromoteInput): Promise<DeploymentPromotionResult> {
    const payload = await this.mutate(ModelgateDeploymentPromoteDocument, "deploymentPromote", { input });
    return deploymentRequestResult(payload, "deploymentPromote");
  }

  /** Puts an earlier revision back (default: the one that ran before the current one), without gates. Needs the approver role. */
  async deploymentRollback(input: DeploymentRollbackInput): Promise<DeploymentPromotionResult> {
    const payload = await this.mutate(ModelgateDeploymentRollbackDocument, "deploymentRollback", { input });
    return deploymentRequestResult(payload, "deploymentRollback");
  }

  /** A promotion or rollback request by id (to follow it to APPLIED). Throws NOT_FOUND when there is none. */
  async promotionRequest(id: string): Promise<PromotionRequest> {
    // `node` of another type answers {} (the inline fragment does not apply).
    const { data, errors } = await this.graphql(ModelgatePromotionRequestDocument, { id });
    const node = data.node;
    if (!node || !isPromotionRequest(node)) {
      if (errors.length > 0) throw errorFromGraphQL(errors, 200, this.graphqlUrl);
      throw new ModelgateError("NOT_FOUND", `no promotion request ${id}`);
    }
    return node;
  }

  /** One deployment with every revision and its activations. An unknown deployment throws ModelgateError NOT_FOUND. */
  async deployment(name: string, environment: string): Promise<DeploymentDetail> {
    const { data, errors } = await this.graphql(ModelgateDeploymentDocument, { name, environment });
    if (!data.deployment) {
      if (errors.length > 0) throw errorFromGraphQL(errors, 200, this.graphqlUrl);
      throw new ModelgateError("NOT_FOUND", `no deployment "${name}" in environment "${environment}"`);
    }
    const raw = data.deployment;
    return {
      ...toDeployment(raw),
      revisions: raw.revisions.map(toRevision),
      activations: raw.activations.map((a) => ({
        revision: a.revision.number,
        activatedAt: a.activatedAt,
        deactivatedAt: a.deactivatedAt,
        requestId: a.request?.id ?? null,
        requestKind: a.request?.kind ?? null,
      })),
    };
  }

  /** One page of deployments, by environment then name. */
  async deployments(opts: DeploymentsOptions = {}): Promise<DeploymentPage> {
    const { data } = await this.graphql(
      ModelgateDeploymentsDocument,
      defined({ environment: opts.environment, first: opts.first, after: opts.after }),
    );
    return { deployments: data.deployments.nodes.map(toDeployment), pageInfo: data.deployments.pageInfo };
  }

  /**
   * Everything that runs in an environment (default production): every deployment's running
   * revision and every version in the environment's stage, with who approved each. Backends that
   * could not be read are in `failedBackends` (their versions are missing).
   */
  async whatRunsInProduction(opts: WhatRunsOptions = {}): Promise<ProductionState> {
    const { data } = await this.graphql(
      ModelgateWhatRunsInProductionDocument,
      defined({ environment: opts.environment ?? "production", asOf: isoOf(opts.asOf) }),
    );
    const raw = data.whatRunsInProduction;
    return {
      environment: raw.environment,
      asOf: raw.asOf,
      deployments: raw.deployments.map((d) => ({
        name: d.deployment.name,
        revision: d.revision.number,
        contentHash: d.revision.contentHash,
        activatedAt: d.activatedAt,
        components: d.revision.components.map(toComponent),
        approval: d.approval,
      })),
      versions: raw.versions.map((v) => ({ ...v, registryVersion: `${v.backendId}/${v.modelName}@${v.version}` })),
      failedBackends: raw.failedBackends,
    };
  }

  /** What the deprecation policy would archive now, and why; changes nothing. */
  async lifecyclePlan(filter: LifecyclePlanFilter = {}): Promise<LifecyclePlan> {
    const { data } = await this.graphql(ModelgateLifecyclePlanDocument, { filter });
    return data.lifecyclePlan;
  }

  /**
   * Plans afresh and archives each candidate through the workflow (one audited request each). A plan
   * past a maxArchiveShare throws ModelgateUserError (CONFLICT) unless `confirmShare`. Needs publisher.
   */
  async lifecyclePlanApply(input: LifecyclePlanApplyInput = {}): Promise<LifecyclePlanApplyResult> {
    const payload = await this.mutate(ModelgateLifecyclePlanApplyDocument, "lifecyclePlanApply", { input });
    return { plan: required(payload.plan, "lifecyclePlanApply.plan"), results: payload.results };
  }

  /** Forgets every cached resolve entry. */
  clearResolveCache(): void {
    this.cache?.clear();
  }

  /** Records what a shadow version did against the primary over a window. Throws ModelgateUserError naming the field at fault. */
  async shadowReport(input: ShadowReportInput): Promise<ShadowReport> {
    const payload = await this.mutate(ModelgateShadowReportDocument, "shadowReport", { input });
    return required(payload.shadowReport, "shadowReport.shadowReport");
  }

  /** Requests moving a protected alias (gates and approvals, then the outbox moves it). Throws ModelgateUserError when refused. */
  async aliasMoveRequest(input: AliasMoveRequestInput): Promise<AliasMoveRequestResult> {
    const payload = await this.mutate(ModelgateAliasMoveRequestDocument, "aliasMoveRequest", { input });
    return { promotionRequest: required(payload.promotionRequest, "aliasMoveRequest.promotionRequest"), replayed: payload.replayed };
  }

  /** Runs a mutation and returns its payload; throws ModelgateUserError when the payload carries userErrors. */
  private async mutate<K extends string, R extends Record<K, MutationPayload | null>, V>(
    document: TypedDocument<R, V>,
    field: K,
    variables: V,
  ): Promise<NonNullable<R[K]>> {
    const { data, errors } = await this.graphql(document, variables);
    const payload = data[field];
    if (!payload) {
      if (errors.length > 0) throw errorFromGraphQL(errors, 200, this.graphqlUrl);
      throw new ModelgateError("BAD_RESPONSE", `the gateway answered ${field} without a payload`, { url: this.graphqlUrl });
    }
    if (payload.userErrors.length > 0) throw new ModelgateUserError(field, payload.userErrors);
    return payload;
  }
}

/** What every mutation payload the client asks for selects. */
interface MutationPayload {
  userErrors: UserError[];
}

function deploymentRequestResult(
  payload: { deployment: DeploymentPromotionResult["deployment"] | null; promotionRequest: PromotionRequest | null; replayed: boolean },
  field: string,
): DeploymentPromotionResult {
  return {
    deployment: required(payload.deployment, `${field}.deployment`),
    promotionRequest: required(payload.promotionRequest, `${field}.promotionRequest`),
    replayed: payload.replayed,
  };
}

function toComponent({ modelVersion, ...rest }: ComponentFieldsFragment): DeploymentComponent {
  return { ...rest, stage: modelVersion?.stage ?? null };
}

function toRevision(raw: RevisionFieldsFragment): DeploymentRevision {
  return { ...raw, components: raw.components.map(toComponent) };
}

function toDeployment(raw: DeploymentFieldsFragment): Deployment {
  return {
    id: raw.id,
    name: raw.name,
    environment: raw.environment,
    createdBy: raw.createdBy,
    createdAt: raw.createdAt,
    currentRevision: raw.currentRevision && toRevision(raw.currentRevision),
    latestRevision: raw.latestRevision && toRevision(raw.latestRevision),
    health: raw.health,
  };
}

/** Failures the last good resolve answer may stand in for: the gateway unreachable, too slow, or failing (5xx). */
function servesStale(err: ModelgateError): boolean {
  return err.isTransport || (err.status !== undefined && err.status >= 500);
}

function checkMaxStale(ms: number): number {
  if (Number.isNaN(ms) || ms < 0) throw new RangeError(`ModelgateClient: maxStaleMs must be a number of milliseconds >= 0, got ${String(ms)}`);
  return ms;
}

function isResolution(body: unknown): body is Resolution {
  return isObject(body) && typeof body.registryVersion === "string" && (body.kind === "model" || body.kind === "deployment" || body.kind === undefined);
}

function toModel(raw: ModelFieldsFragment): Model {
  return {
    ...raw,
    tags: Object.fromEntries(raw.tags.map((t) => [t.key, t.value])),
    aliases: Object.fromEntries(raw.aliases.map((a) => [a.name, a.version])),
  };
}

function toVersion(raw: VersionFieldsFragment): ModelVersion {
  return {
    ...raw,
    tags: Object.fromEntries(raw.tags.map((t) => [t.key, t.value])),
    metrics: Object.fromEntries(raw.metrics.map((m) => [m.key, m.value])),
  };
}

function toTagList(tags: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new ModelgateError("BAD_RESPONSE", `the gateway answered without ${what}`);
  return value;
}

function isoOf(asOf: Date | string | undefined): string | undefined {
  if (asOf === undefined) return undefined;
  if (asOf instanceof Date) {
    if (Number.isNaN(asOf.getTime())) throw new RangeError("asOf is an invalid Date");
    return asOf.toISOString();
  }
  return asOf;
}

/** `values` without its undefined entries (JSON would drop them; the gateway never sees them). */
function defined<T extends object>(values: T): T {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as T;
}

/** `node(id)` answers {} for a node of another type: the inline fragment did not apply. */
function isPromotionRequest(node: PromotionRequest | Record<PropertyKey, never>): node is PromotionRequest {
  return "id" in node;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function normalizeBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`ModelgateClient: url "${url}" is not an absolute URL (expected e.g. http://127.0.0.1:4000)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`ModelgateClient: url "${url}" must use http or https`);
  }
  if (parsed.search || parsed.hash) throw new TypeError(`ModelgateClient: url "${url}" must not carry a query or fragment`);
  const path = parsed.pathname.replace(/\/+$/, "").replace(/\/graphql$/, "");
  return `${parsed.origin}${path}`;
}

/** A ModelgateError from a GraphQL errors list: code and backend from the first error that has them. */
export function errorFromGraphQL(errors: GraphQLErrorEntry[], status: number, url: string): ModelgateError {
  const code = errors.find((e) => typeof e.extensions?.code === "string")?.extensions?.code ?? "INTERNAL_SERVER_ERROR";
  const backend = errors.find((e) => typeof e.extensions?.backend === "string")?.extensions?.backend;
  const messages = errors.map((e) => e.message);
  const message = messages.length <= 3 ? messages.join("; ") : `${messages.slice(0, 3).join("; ")} (and ${messages.length - 3} more)`;
  return new ModelgateError(code, message || `the gateway answered HTTP ${status} with an error`, {
    status,
    url,
    errors,
    ...(backend === undefined ? {} : { backend }),
  });
}

/** A ModelgateError from a non-GraphQL body: the gateway's `{ error: { code, message } }` or anything else. */
function errorFromBody(body: unknown, status: number, url: string): ModelgateError {
  if (isObject(body) && isObject(body.error) && typeof body.error.message === "string") {
    const code = typeof body.error.code === "string" ? body.error.code : "HTTP_ERROR";
    const backend = typeof body.error.backend === "string" ? body.error.backend : undefined;
    return new ModelgateError(code, body.error.message, { status, url, ...(backend === undefined ? {} : { backend }) });
  }
  if (isObject(body) && Array.isArray(body.errors)) return errorFromGraphQL(body.errors as GraphQLErrorEntry[], status, url);
  if (status < 200 || status >= 300) return new ModelgateError("HTTP_ERROR", `the gateway at ${url} answered HTTP ${status}`, { status, url });
  return new ModelgateError("BAD_RESPONSE", `the gateway at ${url} answered HTTP ${status} with an unexpected body`, { status, url });
}
